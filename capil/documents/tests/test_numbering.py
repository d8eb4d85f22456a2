"""Document numbers come from the database: per kind and year, never repeated, even under concurrency."""

import threading

import pytest
from django.db import connection, connections

from capil.documents.numbering import document_number_next


def test_numbers_count_per_kind_and_year(db):
    assert [document_number_next(kind="akta-kelahiran", year=2026) for _ in range(3)] == [1, 2, 3]
    assert document_number_next(kind="kartu-keluarga", year=2026) == 1
    assert document_number_next(kind="akta-kelahiran", year=2027) == 1
    assert document_number_next(kind="akta-kelahiran", year=2026) == 4


def test_unknown_kind_gets_no_number(db):
    with pytest.raises(KeyError):
        document_number_next(kind="x'; DROP TABLE documents_issueddocument; --", year=2026)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuers_never_share_a_number():
    assert connection.vendor == "postgresql"
    taken: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(4)

    def issuer():
        try:
            barrier.wait()
            numbers = [document_number_next(kind="skpwni", year=2031) for _ in range(25)]
            with lock:
                taken.extend(numbers)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issuer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == list(range(1, 101))
    with connection.cursor() as cursor:
        cursor.execute("DROP SEQUENCE IF EXISTS documents_number_skpwni_2031")
