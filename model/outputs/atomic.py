"""Writing files and folders so that nothing is half-written and nothing not ours is lost.

Everything is written under a staging name beside its target (a dot name, which the
run store never lists) and moved into place at the end. Without `replace` the move
refuses a target that exists (a non-empty folder, or any file), so two writers of one
name cannot overwrite each other. With `replace` a folder is swapped with the earlier
one in one step where the system can (Linux's renameat2 exchange), so there is no
moment where neither is in place; elsewhere by two renames, whose window a crash
may leave open. A lock file beside the staging name, held while its writer lives,
lets the next start (`recover`) tell a dead writer's leftovers from a live one's:
it puts an earlier folder caught between the renames back and deletes the rest.
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from decarb.errors import OutputError

LOCK = ".lock"          # `.<name>.<hex>.lock`: held while the writer of `.<name>.<hex>` lives
RETIRED = ".old"        # `.<name>.<hex>.old`: the earlier folder between the two renames
_HEX = 32
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def check_writable(target: Path, folder: bool = False) -> None:
    """Raise OutputError unless a file (with `folder`: a folder) can be written at `target`:
    nothing but folders on the way to it, none of the other kind in its place, and a
    parent that may be written. Commands check before they work, not after."""
    try:
        target = Path(target)
        for parent in target.parents:   # the nearest that exists decides
            if parent.exists():
                if not parent.is_dir():
                    raise OutputError(target, f"{parent} is a file, not a folder")
                if not os.access(parent, os.W_OK | os.X_OK):
                    raise OutputError(target, f"no permission to write in {parent}")
                break
        if target.exists() and target.is_dir() != folder:
            raise OutputError(target, "a folder is there, not a file" if target.is_dir()
                              else "a file is there, not a folder")
    except OSError as error:   # e.g. a name too long for the file system
        raise OutputError(target, error.strerror or str(error)) from None


@contextmanager
def staged(target: Path, folder: bool = False, replace: bool = False) -> Iterator[Path]:
    """A temporary file or folder beside `target`, moved onto it if the block succeeds.

    Without `replace`, an existing target (a file, or a folder that is not empty) is
    left alone and OutputError raised; with it, the target is replaced whole."""
    target = Path(target)
    check_writable(target, folder)
    stem = f".{target.name}.{uuid.uuid4().hex}"
    # a fresh name rather than mkstemp/mkdtemp, whose private (0600/0700) modes
    # would stick to the export; this one gets the user's usual permissions
    staging = target.with_name(stem + target.suffix)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        lock = _hold(target.with_name(stem + LOCK))
    except OSError as error:
        raise OutputError(target, error.strerror or str(error)) from None
    try:
        if folder:
            staging.mkdir()
        yield staging
        _move(staging, target, folder, replace, target.with_name(stem + RETIRED))
    except BaseException as error:
        _remove(staging)
        if isinstance(error, OSError):
            raise OutputError(target, error.strerror or str(error)) from error
        raise
    finally:
        _release(lock, target.with_name(stem + LOCK))


def _move(staging: Path, target: Path, folder: bool, replace: bool, retired: Path) -> None:
    if not folder:
        if replace:
            os.replace(staging, target)
            return
        try:
            os.link(staging, target)    # fails if the target exists, unlike a rename
        except FileExistsError:
            raise OutputError(target, "a file of this name exists (it is left as it is)") \
                from None
        staging.unlink()
        return
    if not replace or not target.exists():
        try:
            os.rename(staging, target)  # replaces an empty folder, never a full one
        except OSError as error:
            if error.errno in (errno.ENOTEMPTY, errno.EEXIST):
                raise OutputError(target, "a folder of this name exists (it is left as "
                                  "it is)") from None
            raise
        return
    if _exchange(staging, target):
        _remove(staging)                # now the earlier folder
        return
    os.rename(target, retired)          # a crash here is put right by `recover`
    os.rename(staging, target)
    _remove(retired)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux's renameat2 RENAME_EXCHANGE); False where the
    system or file system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def recover(folder: Path) -> list[Path]:
    """Put right what writers killed in `folder` and its subfolders (set points) left:
    an earlier folder caught between the two renames of a replacement goes back in
    place; staging files and folders are deleted. Live writers' are left alone.
    Returns the targets put back."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    restored = []
    for lock in _locks(folder):
        held = _try_hold(lock)
        if held is None:        # its writer lives (or it is gone already)
            continue
        stem = lock.name[:-len(LOCK)]
        target = lock.with_name(stem[1:-_HEX - 1])
        retired = lock.with_name(stem + RETIRED)
        try:
            if retired.is_dir() and not target.exists():
                os.rename(retired, target)
                restored.append(target)
            for leftover in lock.parent.iterdir():
                if leftover.name.startswith(stem) and leftover != lock:
                    _remove(leftover)
        except OSError:
            pass                # left for a later start; nothing is lost by waiting
        finally:
            _release(held, lock)
    return restored


def _locks(folder: Path) -> list[Path]:
    """Lock files in `folder` and in its subfolders (a set's points are one level down)."""
    found = []
    for level in [folder, *(p for p in folder.iterdir()
                            if p.is_dir() and not p.name.startswith("."))]:
        try:
            found += [p for p in level.iterdir() if p.name.startswith(".")
                      and p.name.endswith(LOCK) and len(p.name) > _HEX + len(LOCK) + 2]
        except OSError:
            continue
    return found


def _hold(path: Path) -> int:
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _try_hold(path: Path) -> int | None:
    try:
        fd = os.open(path, os.O_WRONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _release(fd: int, path: Path) -> None:
    Path(path).unlink(missing_ok=True)
    os.close(fd)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
