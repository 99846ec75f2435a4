"""Shared steps of the import tests: files as users make them, and the upload → confirm journey."""
import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from imports.models import ImportRun


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, kind, content: bytes, name="data.csv", fiscal_year=2025) -> ImportRun:
    data = {"file": SimpleUploadedFile(name, content)}
    if fiscal_year:
        data["fiscal_year"] = fiscal_year
    response = client.post(reverse("imports:upload", args=[kind]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportRun.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def confirm(client, run) -> ImportRun:
    response = client.post(reverse("imports:confirm", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    return run


def texts(run) -> list[str]:
    return [issue["text"] for issue in run.issues]
