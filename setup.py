"""Packaging for vaeseq (distribution `vae-seq`)."""

import setuptools

with open("README.md", encoding="utf-8") as f:
    LONG_DESCRIPTION = f.read()

MIDI = ["pretty_midi>=0.2.10,<0.3", "scipy>=1.10,<2"]
PLAY = ["gymnasium>=1.4,<2"]

setuptools.setup(
    name="vae-seq",
    version="0.2.0",
    description="Sequence models with deterministic RNN state and stochastic latents "
                "(RNN, VAE, SRNN) on TensorFlow 2, Sonnet 2 and TensorFlow Probability.",
    long_description=LONG_DESCRIPTION,
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.10",
    packages=setuptools.find_packages(include=["vaeseq", "vaeseq.*"]),
    install_requires=[
        "tensorflow>=2.21,<2.22",
        "tensorflow-probability>=0.25,<0.26",
        "tf-keras>=2.21,<2.22",
        # Every command writes TensorBoard summaries: the viewer comes along.
        "tensorboard>=2.21,<2.22",
        "dm-sonnet>=2.0.2,<2.1",
        "numpy>=2,<3",
        # Piano rolls and training curves are drawn with it (sized fonts
        # from 10.1); TensorBoard already brings it along.
        "pillow>=10.1",
        "absl-py>=2",
    ],
    extras_require={
        "midi": MIDI,
        "play": PLAY,
        # The PyTorch baseline of `make bench` (skipped with a note without it).
        "bench": ["torch>=2.13,<2.14"],
        # pdoc builds the API reference (`make docs`), which CI checks; the
        # MIDI tests write and inspect their tiny MIDI files with mido.
        "test": ["pytest>=8", "pdoc>=14", "mido>=1.3,<2"] + MIDI + PLAY,
    },
    entry_points={
        "console_scripts": [
            "vaeseq-text=vaeseq.examples.text.cli:main",
            "vaeseq-midi=vaeseq.examples.midi.cli:main",
            "vaeseq-play=vaeseq.examples.play.cli:main",
        ],
    },
    classifiers=[
        "Programming Language :: Python :: 3",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
    ],
)
