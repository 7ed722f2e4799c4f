"""The embedded broker writes each message whole (integrity/broker.py)."""

import os

from kombu import Connection

import integrity.celery  # noqa: F401  (registers the qfilesystem:// transport)


def _connection(folder):
    return Connection(
        "qfilesystem://",
        transport_options={
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "control_folder": str(folder / "control"),
        },
    )


def test_a_message_is_renamed_into_place_whole(tmp_path):
    with _connection(tmp_path) as connection:
        queue = connection.SimpleQueue("q")
        queue.put({"task": "x"})
        names = os.listdir(tmp_path)
        assert len(names) == 1
        assert names[0].endswith(".q.msg")
        message = queue.get(timeout=1)
        message.ack()
        assert message.payload == {"task": "x"}
        queue.close()


def test_a_file_still_being_written_is_not_read(tmp_path):
    (tmp_path / ".half.part").write_bytes(b'{"body": ')
    with _connection(tmp_path) as connection:
        queue = connection.SimpleQueue("q")
        queue.put({"task": "y"})
        message = queue.get(timeout=1)
        message.ack()
        assert message.payload == {"task": "y"}
        assert queue.qsize() == 0
        queue.close()
    assert sorted(os.listdir(tmp_path)) == [".half.part", "control"]
