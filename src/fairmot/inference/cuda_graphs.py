"""A network replayed from CUDA graphs (INFERENCE.CUDA_GRAPHS).

At batch 1 DLA-34 on a large GPU is bound by launching its few hundred kernels, not by their
arithmetic (10 ms at both 1088x608 and 576x320 on an H200, in float32 and fp16 alike). A
CUDA graph records the launches of one forward once and replays them as one: the input is
copied into the recorded input tensor, the graph replayed, and the outputs copied out of
the recorded output tensors (the next replay overwrites those).
"""

from __future__ import annotations

import threading

import torch


class GraphedNetwork:
    """`network` (a callable tensor -> dict of tensors, on a CUDA device, without host
    synchronisation inside: the one-stage networks' `forward` and `forward_peaks` qualify)
    replayed from a CUDA graph recorded on the first call with each input shape and dtype.

    Args:
        network: the callable to record.
        warmups: calls run before recording (cuDNN's algorithm choice, lazy allocations
            must happen outside the graph).
    """

    def __init__(self, network, warmups: int = 3):
        self.network, self.warmups = network, warmups
        self.graphs: dict = {}  # (shape, dtype) -> (input, graph, outputs)
        self.lock = threading.Lock()  # one replay at a time: they share the buffers

    def __call__(self, x: torch.Tensor) -> dict:
        if x.device.type != "cuda":
            raise ValueError(f"CUDA graphs need the input on a CUDA device, got {x.device}")
        with self.lock:
            key = (tuple(x.shape), x.dtype)
            if key not in self.graphs:
                self.graphs[key] = self._record(x)
            static_input, graph, static_outputs = self.graphs[key]
            static_input.copy_(x)
            graph.replay()
            return {name: value.clone() for name, value in static_outputs.items()}

    @torch.no_grad()
    def _record(self, x: torch.Tensor) -> tuple:
        static_input = x.clone()
        side = torch.cuda.Stream(x.device)
        side.wait_stream(torch.cuda.current_stream(x.device))
        with torch.cuda.stream(side):  # warm-ups off the default stream, as recording is
            for _ in range(self.warmups):
                self.network(static_input)
        torch.cuda.current_stream(x.device).wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        # thread_local: the reading threads may touch CUDA meanwhile (not this stream)
        with torch.cuda.graph(graph, capture_error_mode="thread_local"):
            static_outputs = self.network(static_input)
        return static_input, graph, static_outputs
