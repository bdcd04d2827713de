"""Build a small C program on the C core (docs/vendoring.md's one-line build)
with a compile-time setting, and run it: shared by the crossover scripts
that compare two builds of a kernel constant."""
import pathlib
import shutil
import subprocess

CORE = pathlib.Path(__file__).resolve().parents[2] / "src" / "fastkmeans" / "core"

#: The start of every driver: the headers, and ``now()`` in seconds.
PRELUDE = r"""
#include "fastkmeans.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
"""


def build(folder, name, source, define=None, core=CORE):
    """``source`` (a C program) linked with the core in folder ``core`` built
    with ``define`` (a ``-D`` option, or None); its path."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    driver = folder / f"{name}.c"
    driver.write_text(source)
    output = folder / name
    defines = [define] if define else []
    subprocess.run([compiler, "-std=c11", "-O3", "-fopenmp", "-ffp-contract=fast", *defines,
                    f"-I{core}", *sorted(str(path) for path in core.glob("*.c")), str(driver),
                    "-o", str(output), "-lm", "-pthread"], check=True)
    return output


def core_at(revision, folder):
    """The C core of git ``revision`` of this repository, extracted into
    ``folder``; the path of its core folder."""
    root = CORE.parents[2]
    relative = CORE.relative_to(root).as_posix()
    archive = subprocess.run(["git", "-C", str(root), "archive", revision, relative],
                             capture_output=True, check=True).stdout
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / relative


def run(program, *arguments):
    """The words the program printed (it is run with ``arguments``)."""
    done = subprocess.run([str(program), *map(str, arguments)], capture_output=True,
                          text=True, check=True)
    return done.stdout.split()
