"""Which device a measurement ran on, named the same way for every framework.

Every timing worker records `device`: "cpu", or "gpu: <name>" when its
framework runs the step on a GPU (TensorFlow places ops on the first GPU by
default; the PyTorch baseline moves its model to CUDA when it sees one).
`bench.report` takes ratios only between measurements on the same device.
"""


def of(measurement: dict) -> str:
    """The device a measurement's result names ("cpu" in results written
    before devices were recorded, which all ran on the CPU)."""
    return measurement.get("device", "cpu")


def gpu(name: str) -> str:
    """The `device` of a measurement run on the GPU called `name`."""
    return f"gpu: {name}"


def tensorflow(tf) -> str:
    """Where TensorFlow runs ops by default: its first GPU, else "cpu"."""
    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "cpu"
    details = tf.config.experimental.get_device_details(gpus[0])
    return gpu(details.get("device_name", gpus[0].name))


def torch_device(torch) -> tuple:
    """(the `torch.device` to train on, its `device` label): CUDA if available."""
    if torch.cuda.is_available():
        return torch.device("cuda"), gpu(torch.cuda.get_device_name(0))
    return torch.device("cpu"), "cpu"
