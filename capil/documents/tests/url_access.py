"""Every URL of the documents context against every kind of visitor (collected by the project-wide URL
access test). Objects are made with this context's factories inside the lambdas."""

from capil.documents.tests.factories import issued_document_row

STAFF_REGISTER = {"anonymous": 302, "unverified": 403, "citizen": 403, "other_citizen": 403, "operator": 403,
                  "kasi": 200, "kadis": 200, "arsiparis": 200, "admin": 200}
ADMIN_ONLY = {"anonymous": 302, "unverified": 403, "citizen": 403, "other_citizen": 403, "operator": 403,
              "kasi": 403, "kadis": 403, "arsiparis": 403, "admin": 200}

URL_ACCESS = [
    {"name": "documents:verify", "kwargs": lambda world: {}, "method": "get", "expect": {"*": 200}},
    {"name": "documents:verify_upload", "kwargs": lambda world: {}, "method": "get", "expect": {"*": 302}},
    {"name": "documents:verify_code", "kwargs": lambda world: {"code": issued_document_row().verification_code},
     "method": "get", "expect": {"*": 200}},
    {"name": "documents:register", "kwargs": lambda world: {}, "method": "get", "expect": STAFF_REGISTER},
    {"name": "documents:detail", "kwargs": lambda world: {"pk": issued_document_row().pk}, "method": "get",
     "expect": STAFF_REGISTER},
    {"name": "documents:download", "kwargs": lambda world: {"pk": issued_document_row().pk}, "method": "get",
     "expect": STAFF_REGISTER},
    # Without a reason nothing is revoked; the signer is sent back to the document with a message.
    {"name": "documents:revoke", "kwargs": lambda world: {"pk": issued_document_row().pk}, "method": "post",
     "expect": {"anonymous": 302, "unverified": 403, "citizen": 403, "other_citizen": 403, "operator": 403,
                "kasi": 403, "kadis": 302, "arsiparis": 403, "admin": 302}},
    {"name": "documents:templates", "kwargs": lambda world: {}, "method": "get", "expect": ADMIN_ONLY},
    {"name": "documents:template_edit", "kwargs": lambda world: {"slug": "akta-kelahiran"}, "method": "get",
     "expect": ADMIN_ONLY},
    {"name": "documents:template_preview", "kwargs": lambda world: {"slug": "sk-pencatatan-sipil"}, "method": "get",
     "expect": ADMIN_ONLY},
]
