"""Linking a real shop, as a channel declares it: the fields the seller types, the help that says which app to
register, the permission link and the code exchange. Qt-free: the link dialog only drives an `AuthFlow`, so it
never names a platform; each channel's flow lives in its own package (`connectors/<name>/auth_flow.py`).

`hosts` is the practice marketplace's `base_urls` in tests and practice (empty: the platform's real hosts).

Binding the redirect to our own link. Every link attempt gets a fresh random `state` (secrets.token_urlsafe), put in
the permission link wherever the platform takes one. What each platform does with it is written in its own
`connectors/<name>/auth_flow.py`, from ../shared/reference/marketplaces.md, with what is UNCONFIRMED marked:
- a platform that echoes the state (`echoes_state`): a callback without our exact state is refused;
- one that may echo it (`state_params` names where): a callback carrying a state must carry ours;
- one that takes no state: nothing random can ride in the redirect either (the registered address is fixed).
For a platform that does not echo the state, the listener (gui/auth_listener.py) takes exactly one callback, only
from 127.0.0.1, only while the dialog is open and after the seller opened the permission page, and only with the
parameters the platform sends (`callback_params`, then `check_redirect`: a shop number must be a number); the dialog
then shows what it got (the shop number) and links only when the seller presses "Link shop".
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from companion.connectors.base import Credentials
from companion.domain.errors import UserError
from companion.domain.field_problems import FieldProblem, raise_problems
from companion.domain.marketplace import TokenSet
from companion.i18n import N_, tr

KEY = "key"        # the app's key or id: every flow's first field
SECRET = "secret"  # the app's secret: every flow's second field


@dataclass(frozen=True)
class Redirect:
    """What the platform's redirect carried; `code` is empty when the seller refused."""

    code: str
    shop_id: str = ""
    error: str = ""
    state: str = dataclass_field(default="", compare=False)  # what the redirect said its state was ("" when none)


@dataclass(frozen=True)
class Field:
    """One box the seller fills in. `label`, `missing` and `not_a_number` are msgids."""

    name: str
    label: str
    secret: bool = False         # shown as dots
    missing: str = ""            # said when left empty (key and secret share one sentence)
    number: bool = False         # only digits
    not_a_number: str = ""       # said when `number` and it is not


class AuthFlow(ABC):
    """One channel's linking: declared fields and help, then `link` and `exchange`."""

    fields: tuple[Field, ...] = ()
    help: str = ""               # msgid with {redirect}: which app to register and where its keys are shown
    echoes_state: bool = False   # the platform sends our `state` back: the listener then takes only that one
    state_params: tuple[str, ...] = ("state",)    # where a redirect may carry our state back
    callback_params: tuple[str, ...] = ("code",)  # what a granting redirect must carry

    def check(self, values: Mapping[str, str]) -> dict[str, str]:
        """The typed values, trimmed and checked; raises FieldProblems naming every box to fill in or fix at once."""
        clean = {f.name: values.get(f.name, "").strip() for f in self.fields}
        raise_problems(self.problems(clean))
        return clean

    def problems(self, clean: Mapping[str, str]) -> list[FieldProblem]:
        """Each box's problem, in the order the boxes are shown (the key and secret share one sentence when both
        are empty, as the seller copies them together)."""
        labels = {f.name: f.label for f in self.fields}
        both = UserError(N_("Fill in the {key} and the {secret} from your app's page first."),
                         key=tr(labels.get(KEY, KEY)), secret=tr(labels.get(SECRET, SECRET)))
        pair_empty = not clean.get(KEY) and not clean.get(SECRET)
        found: list[FieldProblem] = []
        for field in self.fields:
            value = clean.get(field.name, "")
            if not value and pair_empty and field.name in (KEY, SECRET):
                found.append(FieldProblem(field.name, both))
            elif not value and (field.missing or field.name in (KEY, SECRET)):
                found.append(FieldProblem(field.name, UserError(field.missing) if field.missing else UserError(
                    N_("Fill in the {field} from your app's page first."), field=field.label)))
            elif value and field.number and not value.isdigit():
                found.append(FieldProblem(field.name, UserError(field.not_a_number)))
        return found

    def check_redirect(self, redirect: Redirect) -> None:
        """Raises UserError when the pasted code or address cannot be exchanged as it is."""
        if not redirect.code:
            raise UserError(N_("Open the permission page first, or paste the code or the address the browser "
                               "shows after you allow access."))

    def state_of(self, params: Mapping[str, str]) -> str | None:
        """The state a redirect carries in any of `state_params` (None: it carries none)."""
        found = [params[name] for name in self.state_params if name in params]
        return found[0] if found else None

    def accepts(self, params: Mapping[str, str], state: str) -> bool:
        """Whether a callback with these (single-valued) query parameters answers our link carrying `state`: a state
        it carries must be ours, one the platform echoes must be there, and a grant carries `callback_params`."""
        echoed = self.state_of(params)
        if echoed is not None and echoed != state:
            return False
        if self.echoes_state and echoed is None:
            return False
        if params.get("error") and not params.get("code"):
            return True  # the seller said no: the dialog says so
        redirect = Redirect(code=params.get("code", ""), shop_id=params.get("shop_id", ""))
        if any(not params.get(name) for name in self.callback_params):
            return False
        try:
            self.check_redirect(redirect)
        except UserError:
            return False
        return True

    @abstractmethod
    def link(self, values: Mapping[str, str], redirect_url: str, state: str, hosts: Mapping[str, str]) -> str:
        """The platform's permission page for the seller's app (values already checked)."""

    @abstractmethod
    def exchange(self, values: Mapping[str, str], redirect: Redirect,
                 hosts: Mapping[str, str]) -> tuple[Credentials, TokenSet]:
        """The redirect's single-use code → the shop's credentials and tokens (network: off the GUI thread)."""
