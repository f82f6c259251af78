"""The three-instance network most federation tests start from."""

from __future__ import annotations

import pytest

from tests.federation.network import Network, make_network
from tests.servers import InstanceFactory


@pytest.fixture
def net(instances: InstanceFactory) -> Network:
    """A, B and C serving: A and B trust each other, nobody trusts C."""
    return make_network(instances)
