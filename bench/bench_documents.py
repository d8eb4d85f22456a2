"""Issuing documents, beside the bare costs of the same work done directly with the libraries, in the same run.

- Issue one document (validate, number, render HTML→PDF, QR code, PAdES signature, private storage, register
  row, audit) against the sum of a bare WeasyPrint render of the same page (`HTML(string).write_pdf()`) and a
  bare pyHanko PAdES B-B signature of that pre-rendered page (SimpleSigner loaded once, a visible field,
  pyHanko's defaults). Target: ratio ≤ 1.5.
- A Kadis batch-signing 100 prepared documents (one passphrase entry). Target: ≤ 10 s.
- For information: preparing (rendering) those 100 documents, and issuing 10 documents render-and-sign in
  one batch call."""

import io
import tempfile
import time
from pathlib import Path

from bench.harness import median, setup_django, timings_ms


def run(bench):
    setup_django()
    from django.conf import settings

    from capil.accounts.models import Role, User
    from capil.documents import pki
    from capil.documents.kinds import output_kind_get
    from capil.documents.rendering import build_context, render_html
    from capil.documents.samples import sample_data
    from capil.documents.services import document_issue, document_issue_batch, document_prepare, signer_title

    key_dir = Path(tempfile.mkdtemp(prefix="capil-bench-pki-"))
    ca = pki.create_ca()
    pki.save_ca(ca, key_dir)
    settings.CAPIL_DOCUMENTS = {**settings.CAPIL_DOCUMENTS, "KEY_DIR": key_dir, "SIGNING_BACKEND": "local",
                                "TRUST_ROOTS": [str(key_dir / "dev-ca.pem")], "TSA_URL": ""}
    kadis = User.objects.create_user("kadis@bench.test", "x" * 12, full_name="KADIS BENCH", role=Role.KADIS,
                                     nip="197503032000031003")
    keystore = pki.write_signer_keystore(ca, key_dir, email=kadis.email, full_name=kadis.full_name, nip=kadis.nip)
    passphrase = keystore.with_suffix(".pass").read_text()

    slug = "akta-kelahiran"
    kind = output_kind_get(slug)
    data = sample_data(slug)
    from django.utils import timezone

    context = build_context(kind=kind, data=data, number="6471-LT-04122026-0001", code="ABCD-EFGH-JKMN",
                            verification_url="http://127.0.0.1:8000/verifikasi/ABCDEFGHJKMN/", issued_at=timezone.now(),
                            signer_name=kadis.full_name, signer_title=signer_title(), signer_nip=kadis.nip)
    html, _sha = render_html(kind, context)

    # --- bare baselines --------------------------------------------------------------------------------
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from weasyprint import HTML

    def bare_render():
        return HTML(string=html).write_pdf()

    pre_rendered = bare_render()
    bare_signer = signers.SimpleSigner.load_pkcs12(str(keystore), passphrase=passphrase.encode())

    def bare_sign():
        meta = signers.PdfSignatureMetadata(field_name="Signature", md_algorithm="sha256",
                                            subfilter=fields.SigSeedSubFilter.PADES)
        pdf_signer = signers.PdfSigner(meta, signer=bare_signer, new_field_spec=fields.SigFieldSpec(
            "Signature", on_page=0, box=(300, 100, 480, 150)))
        output = io.BytesIO()
        pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pre_rendered)), output=output)
        return output.getvalue()

    def ours():
        document_issue(kind=slug, data=data, holder_name="", signer=kadis)

    repeat = 12
    render_ms = timings_ms(bare_render, repeat=repeat)
    sign_ms = timings_ms(bare_sign, repeat=repeat)
    ours_ms = timings_ms(ours, repeat=repeat)
    # Interleave a second round so that load changes on the shared machine hit both sides alike.
    render_ms += timings_ms(bare_render, repeat=repeat, warmup=0)
    sign_ms += timings_ms(bare_sign, repeat=repeat, warmup=0)
    ours_ms += timings_ms(ours, repeat=repeat, warmup=0)
    baseline = median(render_ms) + median(sign_ms)
    bench.figure("bare WeasyPrint render of the page, median", median(render_ms), "ms")
    bench.figure("bare pyHanko PAdES B-B signature of the pre-rendered page, median", median(sign_ms), "ms")
    bench.figure("issue one document (render + QR + sign + store + record), median", median(ours_ms), "ms",
                 baseline=baseline, target="ratio <= 1.5")

    # --- batch -----------------------------------------------------------------------------------------
    start = time.perf_counter()
    drafts = [document_prepare(kind=slug, data=data, holder_name="", signer=kadis, reference=f"BENCH-{i}")
              for i in range(100)]
    prepare_s = time.perf_counter() - start
    bench.figure("prepare (validate + number + render) 100 documents", prepare_s, "s",
                 baseline=100 * median(render_ms) / 1000)

    start = time.perf_counter()
    issued = document_issue_batch(items=drafts, signer=kadis)
    batch_s = time.perf_counter() - start
    assert len(issued) == 100
    bench.figure("batch-sign 100 prepared documents (one passphrase entry)", batch_s, "s",
                 baseline=100 * median(sign_ms) / 1000, target="value <= 10")

    items = [{"kind": slug, "data": data, "holder_name": "", "reference": f"BENCH-B-{i}"} for i in range(10)]
    start = time.perf_counter()
    document_issue_batch(items=items, signer=kadis)
    bench.figure("issue 10 documents render-and-sign in one batch call", time.perf_counter() - start, "s",
                 baseline=10 * baseline / 1000)
