"""The coverage overview of municipal platforms: who has one, and which network links are missing where."""
from dataclasses import dataclass, field

from municipal_pf.models import MunicipalPlatform, Municipality, NetworkPartnerType


@dataclass
class MunicipalRow:
    municipality: Municipality
    platform: MunicipalPlatform | None
    links: list[bool] = field(default_factory=list)  # one per partner type, in order

    @property
    def status_label(self) -> str:
        return self.platform.get_status_display() if self.platform else MunicipalPlatform.Status.NOT_ESTABLISHED.label

    missing_partners: list[str] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return self.links.count(False)


@dataclass
class Coverage:
    partners: list[NetworkPartnerType]
    rows: list[MunicipalRow]
    counts: dict  # status label → number of municipalities
    linked: list[int]  # per partner type: established platforms connected to it

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def established(self) -> int:
        return sum(1 for r in self.rows if r.platform and r.platform.status == MunicipalPlatform.Status.ESTABLISHED)

    @property
    def rate(self) -> float:
        return self.established / self.total * 100 if self.total else 0.0


def coverage(platform) -> Coverage:
    """Every municipality of the platform's prefecture, with or without a platform record (4 queries).

    A joint platform (共同設置) covers each of its municipalities: each row shows it.
    """
    partners = list(NetworkPartnerType.objects.all())
    records = {}
    found = MunicipalPlatform.objects.filter(platform=platform).select_related("municipality").prefetch_related(
        "network_partners", "joint_municipalities"
    )
    for record in found:
        for covered in record.covered_municipalities:
            records[covered.pk] = record
    rows = []
    for municipality in Municipality.objects.filter(prefecture_id=platform.prefecture_id):
        record = records.get(municipality.pk)
        connected = {p.pk for p in record.network_partners.all()} if record else set()
        rows.append(MunicipalRow(
            municipality, record, [p.pk in connected for p in partners], [p.name for p in partners if p.pk not in connected]
        ))
    counts = {label: 0 for _, label in MunicipalPlatform.Status.choices}
    for row in rows:
        counts[row.status_label] += 1
    established = [r for r in rows if r.platform and r.platform.status == MunicipalPlatform.Status.ESTABLISHED]
    linked = [sum(1 for r in established if r.links[i]) for i in range(len(partners))]
    return Coverage(partners, rows, counts, linked)
