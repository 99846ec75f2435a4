"""Demo progress reports (not real): a few measures reported on in the first period, in every state."""
from plans.models import Measure, ProgressComment, ProgressReport, ProgressSummary

_REPORTS = [
    # (body name, measure code, progress, review status, activities, results, issues, reviewer comment)
    ("ハローワーク", "2(1)ア①", "on_track", "accepted", "求職者の希望や経験に応じた担当者制の職業紹介を実施。", "上半期の紹介就職件数は目標を上回って推移。", "", "確認しました。"),
    ("群馬労働局", "2(3)①", "mostly_on_track", "submitted", "トライアル雇用助成金の周知を事業主説明会で実施。", "支給決定 18件。", "制度の認知が十分でない。", ""),
    ("群馬県（産業経済部）", "2(1)イ", "delayed", "returned", "ジョブカフェぐんまでキャリア相談を実施。", "相談件数 520件。", "相談員の欠員。", "目標に対する見込みと対策を追記してください。"),
    ("（一社）群馬県経営者協会", "2(2)②", "not_started", "draft", "会員企業への面接会参加の呼びかけを準備中。", "", "", ""),
]


def generate_demo_progress(plan) -> int:
    period = plan.reporting_periods.order_by("starts_on").first()
    if period is None:
        return 0
    bodies = {b.name: b for b in plan.platform.member_bodies.all()}
    created = 0
    for body_name, code, progress, review, activities, results, issues, comment in _REPORTS:
        body = bodies.get(body_name)
        if body is None:
            continue
        measure = next(
            (m for m in Measure.objects.for_body(body, plan).select_related("section__parent__parent") if m.code == code), None
        )
        if measure is None:
            continue
        report, was_created = ProgressReport.objects.update_or_create(
            measure=measure, period=period, member_body=body,
            defaults={"progress": progress, "review_status": review, "activities": activities, "results": results,
                      "issues": issues, "review_comment": comment, "next_steps": "下半期も継続して実施する。"},
        )
        created += was_created
        if comment and was_created:
            ProgressComment.objects.create(report=report, action="accept" if review == "accepted" else "return", body=comment)
        if review == "accepted":
            ProgressSummary.objects.update_or_create(
                measure=measure, period=period,
                defaults={"progress": progress, "summary": f"【{body}】{activities}{results}"},
            )
    return created
