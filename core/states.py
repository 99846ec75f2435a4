"""The actions a stateful record allows, declared once on its model and asked by views and templates.

A model lists its `Action`s; `allowed_actions(user)` answers which of them the user may take on
this record now (its state and the user's permission), so that a template's buttons, the view's
refusal and the service's check cannot disagree. Templates ask with `{{ obj|allowed_actions:user }}`
(core/templatetags/states.py).
"""
from dataclasses import dataclass

from core.access import may


@dataclass(frozen=True)
class Action:
    name: str  # the value the form posts (name="action")
    label: str  # the button
    permission: str  # the permission it needs on the record
    sources: tuple = ()  # the states it starts from; empty: any state
    target: str = ""  # the state it leads to; empty: the state does not change
    word: str = ""  # its name in the change history and in messages ("差戻し")
    needs_reason: bool = False  # whether the user must give a reason ("差戻しの理由を入力してください")
    done: str = ""  # the message after it ("承認しました")
    style: str = ""  # the button's class ("primary", "danger")

    def starts_from(self, state) -> bool:
        return not self.sources or state in self.sources

    def allowed(self, user, record, state) -> bool:
        return self.starts_from(state) and may(user, self.permission, record)


def allowed(actions, user, record, state) -> list[Action]:
    """The actions of `actions` the user may take on `record` in `state`, in declaration order."""
    return [action for action in actions if action.allowed(user, record, state)]


def by_name(actions, name: str) -> Action | None:
    return next((action for action in actions if action.name == name), None)


def allows(record, user, name: str) -> bool:
    """Whether the record's `allowed_actions(user)` include the action `name`."""
    return any(action.name == name for action in record.allowed_actions(user))
