"""What the office holds about a citizen, section by section: the registry behind the "download my data"
page and behind account closure (UU 27/2022 on personal-data protection, arts. 7–8 and 16).

Each context that keeps personal data registers one section, in its AppConfig.ready():

    from capil.accounts import personal_data

    class ApplicationsConfig(AppConfig):
        def ready(self):
            from . import selectors, services
            personal_data.register(
                name="applications",
                export=selectors.applications_personal_data,      # user -> JSON-serialisable
                erase=services.applications_personal_data_erase,  # user -> {"what": count} summary
                retained=_("Permohonan dan dokumen yang terbit disimpan sesuai ketentuan arsip."),
                closure_blockers=selectors.applications_open_for,  # user -> [reasons], optional
            )

- `export(user)` returns everything the section holds about the user, as JSON-serialisable data
  (dates as ISO strings; file contents are listed by name and size, not embedded).
- `erase(user)` runs inside the closure transaction. It removes or anonymises what the office need not
  keep and KEEPS what law requires it to keep: applications, issued documents and their archive (the
  Adminduk law, UU 23/2006 as amended by UU 24/2013, and the office's archive retention schedule), and the
  audit log (which is append-only and not touched). It returns a summary of counts, written to the audit
  log. It must not fail halfway: raise to abort the whole closure.
- `retained` tells the citizen, before they close the account, what this section keeps and why.
- `closure_blockers(user)` (optional) returns reasons the account cannot be closed yet, e.g. an application
  still in progress; the citizen sees them.

The accounts section is registered by accounts itself; the account row is anonymised last, by
`services.account_close`, after every other section has run.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonalDataSection:
    name: str
    export: Callable[[Any], Any]
    erase: Callable[[Any], dict] | None = None
    retained: str = ""
    closure_blockers: Callable[[Any], list[str]] | None = None


_SECTIONS: dict[str, PersonalDataSection] = {}


def register(*, name: str, export: Callable[[Any], Any], erase: Callable[[Any], dict] | None = None,
             retained: str = "", closure_blockers: Callable[[Any], list[str]] | None = None) -> None:
    """Register (or replace, when the same name registers again) a section."""
    _SECTIONS[name] = PersonalDataSection(name, export, erase, retained, closure_blockers)


def sections() -> list[PersonalDataSection]:
    # accounts first, the rest by name: a stable order in the download.
    return sorted(_SECTIONS.values(), key=lambda s: (s.name != "accounts", s.name))
