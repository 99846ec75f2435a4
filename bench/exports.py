"""Benchmark of the meeting materials on Gunma's full-year data (demo figures, every month).

Run:  ./scripts/install.sh && SECRET_KEY=bench .venv/bin/python bench/exports.py [--repeat 5]
It builds a throwaway SQLite database in a temporary directory (or uses DATABASE_URL when set to
a database it may write), loads Gunma and a full year of figures, and times each export.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="portal-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("PORTAL_ENV", "test")  # a throwaway database, not a deployment
    os.environ["MEDIA_ROOT"] = workdir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_portal.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))

    from exports.registry import REGISTRY
    from plans.models import BusinessPlan

    plan = BusinessPlan.objects.get(platform__code="gunma", fiscal_year=2025)
    # CPU seconds beside wall-clock seconds: on a machine shared with other work the wall clock
    # measures the neighbours too, while the process's own CPU time stays what an idle machine shows.
    print(f"{'export':<16} {'median s':>9} {'min s':>7} {'cpu s':>7} {'size':>10}")
    for export_id in ("meeting_packet", "progress_xlsx", "figures_csv", "progress_csv"):
        times, cpu, size = [], [], 0
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            file = REGISTRY[export_id].render(plan)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            size = len(file.content)
        print(f"{export_id:<16} {statistics.median(times):>9.3f} {min(times):>7.3f} {statistics.median(cpu):>7.3f} {size:>10,}")
        if export_id == "meeting_packet":
            packet_median, packet_cpu = statistics.median(times), statistics.median(cpu)
    floor_median, floor_min, floor_cpu = weasyprint_floor(plan, args.repeat)
    print(f"{'weasyprint floor':<16} {floor_median:>9.3f} {floor_min:>7.3f} {floor_cpu:>7.3f}")
    print(f"packet / floor = {packet_median / floor_median:.2f} (CPU time: {packet_cpu / floor_cpu:.2f})")



def weasyprint_floor(plan, repeat):
    """WeasyPrint's own time for the packet's HTML, prepared beforehand: the floor the packet can reach."""
    from django.utils import timezone
    from weasyprint import HTML

    from exports.packet import SECTION_IDS, render_packet_html

    html = render_packet_html(plan, as_of=timezone.localdate(), sections=SECTION_IDS)
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        HTML(string=html).write_pdf()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), min(times), statistics.median(cpu)


if __name__ == "__main__":
    main()
