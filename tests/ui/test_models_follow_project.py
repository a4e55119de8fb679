"""The window's models follow the project: after the flywheel activates a model, the next job builds
the pipeline (or tagger) again, from the project's store; otherwise the built one is reused."""

from __future__ import annotations


def test_models_rebuild_when_the_active_model_changes(project, monkeypatch):
    from hanji.ui import model_cache

    built = []

    def factory(store=None):
        built.append(store)
        return object()

    monkeypatch.setattr(model_cache, "PIPELINE_FACTORY", factory)
    monkeypatch.setattr(model_cache, "PREDICTOR_FACTORY", factory)
    models = model_cache.ModelCache()
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
    from hanji.ui import model_cache

    state = load_shipped("ko_rec.pt")
    state["meta"] = dict(state.get("meta", {}), note="project copy")
    m = project.models.add("recognizer", "recognizer-1", state_to_bytes(state), active=True)
    pipe = model_cache.ModelCache().pipeline(project)
    assert pipe.recognizer.weights_sha256 == m.sha256


def test_train_action_runs_the_flywheel_off_the_gui_thread(qtbot, window, monkeypatch):
    import threading

    from hanji.jobs import flywheel
    from hanji.jobs.flywheel import FlywheelResult

    calls = []

    def fake_train(store, progress, cancel):
        assert threading.current_thread() is not threading.main_thread()
        progress(1, 2, "loss 1.0")
        cancel.check()
        calls.append(store)
        return FlywheelResult("recognizer", 1, "recognizer-1", "ab" * 32, True,
                              {"metric": "cer", "before": 0.2, "after": 0.1, "base": "shipped"})

    monkeypatch.setattr(flywheel, "train_recognizer", fake_train)
    window.actions_["jobs.train_recognizer"].trigger()
    assert window.job is not None
    qtbot.waitUntil(lambda: window.job is None, timeout=15000)
    assert calls == [window.store]
    assert "recognizer-1" in window.statusBar().currentMessage() and "10.0%" in window.statusBar().currentMessage()
