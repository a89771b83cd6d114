"""A faithful tax-control disk for demos and tests (PROTOCOL.md), served over a pty or TCP."""

from __future__ import annotations

from devices.simulator.disk import Disk
from devices.simulator.faults import FaultPlan
from devices.simulator.scenarios import SCENARIOS, build
from devices.simulator.server import SimServer
from devices.simulator.state import SimState, StateFile

__all__ = ["SCENARIOS", "Disk", "FaultPlan", "SimServer", "SimState", "StateFile", "build"]
