"""Two calls at once, each in its own database connection: the race tests' one driver (PostgreSQL;
SQLite has one writer and the tests that use this skip there)."""
import threading
import time

from django.db import connection


def race(first, second, *, head_start=0.0):
    """Both calls released at once (the second after `head_start` seconds), each in its own
    connection; a refusal is a result, not a failure."""
    barrier = threading.Barrier(2)
    results = [None, None]

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            if i == 1 and head_start:
                time.sleep(head_start)
            results[i] = call()
        except Exception as exc:  # a refusal (ValidationError), or a deadlock the test reports
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
