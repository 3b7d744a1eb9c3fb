"""Every limit Crosscase sets on what it reads, in one place.

Real files never come near these; hostile or broken ones do, and each limit
turns what would be a crash, a hang or a memory blow-up into one clear line
that names the file and the limit.
"""

from __future__ import annotations

#: levels of codes below the top of a codebook (QDPX, QDC, JSON, or made by hand);
#: real codebooks use three or four
MAX_CODE_DEPTH = 64
