from __future__ import annotations

import random


def seed(rng: random.Random) -> int:
    return 0
