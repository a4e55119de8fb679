"""Reading many documents' images and image keys at once (issue 20: ``hanji duplicates`` reads every
image of a project): the same bytes and the same errors as one document at a time."""

from __future__ import annotations

import pytest

from hanji.errors import HanjiError
from helpers import png_bytes


def test_images_of_many_documents_are_those_of_each(project, tmp_path):
    docs = [project.add_image_bytes(f"{i}.png", png_bytes(30 + i, 20))[0] for i in range(5)]
    linked = []
    for i in range(2):
        f = tmp_path / f"linked{i}.png"
        f.write_bytes(png_bytes(60 + i, 20, color="gray"))
        linked.append(project.add_image(f, link=True)[0])
    (tmp_path / "linked1.png").unlink()  # a linked file gone (PostgreSQL keeps every image: still read)
    ids = [docs[3].id, 999, docs[0].id, linked[1].id, linked[0].id, docs[3].id] + [d.id for d in docs]
    got = project.images_bytes(ids)
    assert len(got) == len(ids)
    for doc_id, data in zip(ids, got):
        try:
            want = project.image_bytes(doc_id)
        except HanjiError as e:
            assert isinstance(data, HanjiError) and str(data) == str(e), doc_id
        else:
            assert data == want, doc_id
    assert isinstance(got[1], HanjiError) and "no document 999" in str(got[1])
    if project.backend == "sqlite":
        assert isinstance(got[3], HanjiError) and "missing" in str(got[3])


@pytest.mark.parametrize("page", [2, 3, 500])
def test_image_keys_are_every_document_by_id(project, page):
    docs = [project.add_image_bytes(f"문서 {i}.png", png_bytes(30 + i, 20))[0] for i in range(7)]
    project.delete_document(docs[2].id)
    want = [(d.id, d.sha256, d.name) for d in project.documents()]
    assert list(project.image_keys(page)) == want and len(want) == 6
