import pytest


@pytest.fixture
def one_torch_thread():
    """Tiny models: one thread is much faster than several on a busy machine."""
    import torch

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)
