"""Train/validation split and `tf.data` windows over a character-id corpus.

A window is `sequence_size` consecutive ids of the corpus. Within one epoch,
windows never overlap.
"""

import numpy as np
import tensorflow as tf

from vaeseq.examples.text.data import CorpusTooShortError


def split_text(text: str, valid_fraction: float = 0.1) -> tuple[str, str]:
    """Splits `text` into a training prefix and a validation suffix.

    Args:
        text: the corpus.
        valid_fraction: in `[0, 1]`; the validation suffix gets
            `round(len(text) * valid_fraction)` characters.

    Returns:
        `(train_text, valid_text)`, with `train_text + valid_text == text`.
    """
    if not 0 <= valid_fraction <= 1:
        raise ValueError(
            f"valid_fraction must be in [0, 1], got {valid_fraction}.")
    split = len(text) - round(len(text) * valid_fraction)
    return text[:split], text[split:]


def make_dataset(
    ids: np.ndarray,
    batch_size: int,
    sequence_size: int,
    shuffle: bool = True,
    repeat: bool = True,
    seed: int | None = None,
) -> tf.data.Dataset:
    """Batches of windows of consecutive ids.

    With `shuffle`, each epoch draws a random alignment (offset of the first
    window) and yields `max(1, (N - sequence_size + 1) // sequence_size)`
    non-overlapping windows at that alignment in random order, so that every
    epoch covers nearly the whole corpus and window boundaries move between
    epochs. Without `shuffle`, each epoch yields the `eval_windows` in order.
    With `repeat`, epochs follow each other endlessly and a batch may span two
    epochs; without it, there is one epoch and its last partial batch is
    dropped.

    Args:
        ids: the corpus, int32 ids of shape `[N]`.
        batch_size: windows per batch.
        sequence_size: ids per window.
        shuffle: randomize alignment and order per epoch, as above.
        repeat: yield epochs endlessly.
        seed: makes the shuffled order reproducible; `None` for a fresh one.

    Returns:
        A dataset of int32 tensors of static shape
        `[batch_size, sequence_size]`, prefetched.

    Raises:
        CorpusTooShortError: `N < sequence_size`, or, without `repeat`, one
            epoch has fewer than `batch_size` windows (the dataset would be
            empty).
    """
    ids = _as_ids(ids)
    _check_length(len(ids), sequence_size)
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}.")
    if shuffle:
        windows = max(1, (len(ids) - sequence_size + 1) // sequence_size)
        starts = _shuffled_starts(
            windows, len(ids) - windows * sequence_size, sequence_size,
            repeat, seed)
    else:
        windows = len(ids) // sequence_size
        starts = tf.data.Dataset.range(
            0, windows * sequence_size, sequence_size)
        if repeat:
            starts = starts.repeat()
    if not repeat and windows < batch_size:
        raise CorpusTooShortError(
            f"Corpus has {len(ids)} characters: {windows} windows of "
            f"{sequence_size} per epoch, fewer than one batch of "
            f"{batch_size}.")
    corpus = tf.constant(ids)
    window_offsets = tf.range(sequence_size, dtype=tf.int64)

    def gather_windows(batch_starts: tf.Tensor) -> tf.Tensor:
        return tf.gather(corpus, batch_starts[:, None] + window_offsets)

    return (starts.batch(batch_size, drop_remainder=True)
            .map(gather_windows, num_parallel_calls=tf.data.AUTOTUNE)
            .prefetch(tf.data.AUTOTUNE))


def eval_windows(ids: np.ndarray, sequence_size: int,
                 name: str | None = None) -> np.ndarray:
    """Splits the corpus into consecutive non-overlapping windows.

    The last `N % sequence_size` ids, too few for a window, are dropped.

    Args:
        ids: the corpus, int32 ids of shape `[N]`.
        sequence_size: ids per window.
        name: the corpus's name or path, for error messages.

    Returns:
        int32 array of shape `[N // sequence_size, sequence_size]`; row `i`
        is `ids[i * sequence_size:(i + 1) * sequence_size]`.

    Raises:
        CorpusTooShortError: `N < sequence_size`.
    """
    ids = _as_ids(ids)
    _check_length(len(ids), sequence_size, name)
    count = len(ids) // sequence_size
    return ids[:count * sequence_size].reshape(count, sequence_size)


def _shuffled_starts(
    windows: int,
    max_offset: int,
    sequence_size: int,
    repeat: bool,
    seed: int | None,
) -> tf.data.Dataset:
    """Window starts: per epoch, an offset in `[0, max_offset]`, shuffled."""
    epoch_seeds = tf.data.Dataset.random(
        seed=seed, rerandomize_each_iteration=True)
    if not repeat:
        epoch_seeds = epoch_seeds.take(1)

    def epoch_starts(epoch_seed: tf.Tensor) -> tf.data.Dataset:
        offset_seed, order_seed = tf.unstack(
            tf.random.experimental.stateless_split(
                tf.stack([epoch_seed, tf.constant(0, tf.int64)]), num=2))
        offset = tf.random.stateless_uniform(
            [], offset_seed, minval=0, maxval=max_offset + 1, dtype=tf.int64)
        order = tf.random.experimental.stateless_shuffle(
            tf.range(windows, dtype=tf.int64), order_seed)
        return tf.data.Dataset.from_tensor_slices(
            offset + order * sequence_size)

    return epoch_seeds.flat_map(epoch_starts)


def _as_ids(ids: np.ndarray) -> np.ndarray:
    ids = np.asarray(ids)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(
            f"ids must be a 1-D integer array, got {ids.dtype} {ids.shape}.")
    return ids.astype(np.int32, copy=False)


def _check_length(length: int, sequence_size: int,
                  name: str | None = None) -> None:
    if sequence_size < 1:
        raise ValueError(f"sequence_size must be >= 1, got {sequence_size}.")
    if length < sequence_size:
        corpus_name = "Corpus" if name is None else f"Corpus {name}"
        raise CorpusTooShortError(
            f"{corpus_name} has {length} characters but one sequence needs "
            f"{sequence_size}.")
