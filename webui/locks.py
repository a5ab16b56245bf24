"""Questions run side by side; a change to the library (upload, edit, removal) runs alone."""

from __future__ import annotations

import threading


class ReadWriteLock:
    """Many questions at once, or one change to the library (upload, edit, removal) alone."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._readers = 0
        self._writing = False

    def reading(self) -> _Guard:
        return _Guard(self._acquire_read, self._release_read)

    def writing(self) -> _Guard:
        return _Guard(self._acquire_write, self._release_write)

    def _acquire_read(self) -> None:
        with self._condition:
            self._condition.wait_for(lambda: not self._writing)
            self._readers += 1

    def _release_read(self) -> None:
        with self._condition:
            self._readers -= 1
            self._condition.notify_all()

    def _acquire_write(self) -> None:
        with self._condition:
            self._condition.wait_for(lambda: not self._writing and self._readers == 0)
            self._writing = True

    def _release_write(self) -> None:
        with self._condition:
            self._writing = False
            self._condition.notify_all()


class _Guard:
    def __init__(self, acquire, release) -> None:
        self._acquire, self._release = acquire, release

    def __enter__(self) -> None:
        self._acquire()

    def __exit__(self, *exc: object) -> None:
        self._release()
