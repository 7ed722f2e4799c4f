"""kombu's filesystem transport, with messages written atomically.

The embedded run (no Redis) uses kombu's filesystem transport under ``var/``. Its stock
``_put`` writes the message file in place, so a worker polling at that moment can read a
half-written file and stop with an unrecoverable error (celery/kombu#1551). Here a message is
written to a hidden temporary file in the same folder and renamed into place: a worker sees
either no file or the whole message. Registered as the ``qfilesystem://`` broker URL in
``integrity/celery.py``.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # A leading dot: the reader only takes names ending in ".<queue>.msg".
        temporary = os.path.join(self.data_folder_out, f".{uuid.uuid4()}.part")
        try:
            with open(temporary, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(temporary, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
