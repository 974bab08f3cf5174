"""A run's write transactions are sized by how long the last one took."""

from directory.sync.chunks import ChunkSize


def test_slow_chunks_shrink_fast_ones_grow_within_bounds_and_at_most_twofold_a_step():
    sizes = ChunkSize(target=0.2, first=100, least=10, most=1000)
    sizes.took(100, 2.0)  # ten times too slow
    assert sizes.size == 50
    for _ in range(10):
        sizes.took(sizes.size, 2.0)
    assert sizes.size == 10
    for _ in range(20):
        sizes.took(sizes.size, 0.001)
    assert sizes.size == 1000
    sizes.took(1000, 0.2)
    assert sizes.size == 1000


def test_spans_cover_every_record_once_in_order_with_the_size_of_the_moment():
    sizes = ChunkSize(first=4, least=1)
    spans = []
    for start, end in sizes.spans(10):
        spans.append((start, end))
        sizes.took(end - start, 10.0)  # far too slow: halve
    assert spans == [(0, 4), (4, 6), (6, 7), (7, 8), (8, 9), (9, 10)]
