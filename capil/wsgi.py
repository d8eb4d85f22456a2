import os

from django.core.wsgi import get_wsgi_application


def _return_large_blocks_to_the_system() -> None:
    """Memory of a web worker stays flat (issue 8): every photo upload decodes into a few blocks of 9–16 MB.
    glibc's malloc raises its mmap threshold to the size of the largest block freed, so after the first upload
    such blocks come from the heap, where freed space is kept by the process and fragments — the worker grew by
    ~2 MB per 1,000 mixed requests. A fixed threshold of 1 MB keeps large blocks mapped and returned on free.
    A no-op where the C library is not glibc."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return
    m_mmap_threshold = -3  # <malloc.h>
    mallopt(m_mmap_threshold, 1024 * 1024)


_return_large_blocks_to_the_system()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capil.settings.production")
application = get_wsgi_application()
