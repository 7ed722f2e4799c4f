"""The embedded broker writes each message whole (integrity/broker.py)."""

import os

from kombu import Connection

import integrity.celery  # noqa: F401  (registers the qfilesystem:// transport)


def _connection(tmp_path):
    queue_folder = tmp_path / "queue"
    queue_folder.mkdir(exist_ok=True)
    return queue_folder, Connection(
        "qfilesystem://",
        transport_options={
            "data_folder_in": str(queue_folder),
            "data_folder_out": str(queue_folder),
            "control_folder": str(tmp_path / "control"),
        },
    )


def test_a_message_is_renamed_into_place_whole(tmp_path):
    folder, connection = _connection(tmp_path)
    with connection:
        queue = connection.SimpleQueue("q")
        queue.put({"task": "x"})
        names = os.listdir(folder)
        assert len(names) == 1
        assert names[0].endswith(".q.msg")
        message = queue.get(timeout=10)
        message.ack()
        assert message.payload == {"task": "x"}
        queue.close()


def test_a_file_still_being_written_is_not_read(tmp_path):
    folder, connection = _connection(tmp_path)
    (folder / ".half.part").write_bytes(b'{"body": ')
    with connection:
        queue = connection.SimpleQueue("r")  # its own queue: kombu keeps bindings per process
        queue.put({"task": "y"})
        message = queue.get(timeout=10)
        message.ack()
        assert message.payload == {"task": "y"}
        assert queue.qsize() == 0
        queue.close()
    assert os.listdir(folder) == [".half.part"]
