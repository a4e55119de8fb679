"""The window's models follow the project: after the flywheel activates a model, the next job builds
the pipeline (or tagger) again, from the project's store; otherwise the built one is reused."""

from __future__ import annotations


def test_models_rebuild_when_the_active_model_changes(project, monkeypatch):
    from hanji.ui import jobs_menu

    built = []

    def factory(store=None):
        built.append(store)
        return object()

    monkeypatch.setattr(jobs_menu, "PIPELINE_FACTORY", factory)
    monkeypatch.setattr(jobs_menu, "PREDICTOR_FACTORY", factory)
    models = jobs_menu.Models()
    p1 = models.pipeline(project)
    assert models.pipeline(project) is p1 and built == [None]  # shipped model: the factory gets no store
    m = project.models.add("recognizer", "recognizer-1", b"weights", active=True)
    p2 = models.pipeline(project)
    assert p2 is not p1 and built[-1] is project
    assert models.pipeline(project) is p2
    models.predictor(project)  # the tagger has no active model: built without the store
    assert built[-1] is None
    project.models.deactivate("recognizer")
    assert models.pipeline(project) not in (p1, p2) and built[-1] is None
    project.models.activate(m.id)
    assert models.pipeline(project) is not None and built[-1] is project and models.builds == 5


def test_default_factory_loads_the_project_recognizer(project):
    from hanji.models.weights import load_shipped, state_to_bytes
    from hanji.ui import jobs_menu

    state = load_shipped("ko_rec.pt")
    state["meta"] = dict(state.get("meta", {}), note="project copy")
    m = project.models.add("recognizer", "recognizer-1", state_to_bytes(state), active=True)
    pipe = jobs_menu.Models().pipeline(project)
    assert pipe.recognizer.weights_sha256 == m.sha256
