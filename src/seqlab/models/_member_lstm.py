"""The LSTM recurrence of K members as one autograd function, backward written out.

Autograd through a step-by-step loop records every small operation of every step and
replays each in backward: for a 50-step sequence that is thousands of tiny kernels per
training step, whose overhead (not arithmetic) is the cost. Here nothing inside the
loops is recorded.

What costs time once the overhead is gone is memory, not arithmetic: with 30 members a
sequence's gates are megabytes, and every whole-sequence temporary (a ``stack`` of the
steps, a ``cat`` of gate derivatives, an elementwise product over all steps) is a pass
through main memory that costs more than the step's arithmetic. So every step writes
into preallocated time-major buffers (``(time, K, batch, ...)``, each step's slice one
contiguous block that stays in cache), the forward pass also writes, while the step's
values are at hand, the factors the backward pass needs (``a``: the derivative of each
gate's pre-activation times what multiplies it; ``q``: ``o * (1 - tanh(c)^2)``), and the
backward loop is 5 small operations a step. The only whole-sequence passes left are
the copy of the input projection into the gate buffer, the returned outputs and the
recurrent weights' gradient (one batched matrix product over all steps).

Gates are computed in the order i, f, o, g (sigmoids first, so two activation calls a
step); `to_ifog` reorders torch's (i, f, g, o) in the small weights, so the
sequence-long input projection comes out in that order. The formulas are torch's LSTM: ``c' = f*c + i*g``, ``h' =
o*tanh(c')``, the gates ``pre_t + h @ W_hh^T`` (``pre`` the input projection with both
biases, computed outside with ordinary autograd).
"""

from __future__ import annotations

from typing import Any

import torch

__all__ = ["member_lstm", "to_ifog"]


def _run(pre: torch.Tensor, w_hh: torch.Tensor, h0: torch.Tensor, c0: torch.Tensor,
         keep: bool) -> tuple[torch.Tensor, ...]:
    """The forward loop over ``pre`` ``(K, batch, time, 4H)`` (gates i, f, o, g) and
    ``w_hh`` ``(K, 4H, H)`` in that order. Returns the time-major outputs ``(time, K,
    batch, H)``, the cells, and when `keep` what the backward pass reads: the activated
    gates, the ``a`` factors and ``q``."""
    k, batch, steps, four = pre.shape
    units = four // 4
    w_t = w_hh.transpose(1, 2).contiguous()
    gates = torch.empty(steps, k, batch, four, dtype=pre.dtype, device=pre.device)
    gates.copy_(pre.permute(2, 0, 1, 3))
    hs = torch.empty(steps, k, batch, units, dtype=pre.dtype, device=pre.device)
    cells = torch.empty_like(hs)
    tanhs = torch.empty_like(hs)
    # Every per-step view is made once here (one call per buffer, not one per step).
    zs, sigmoids, candidates = (gates.unbind(0), gates[..., :3 * units].unbind(0),
                                gates[..., 3 * units:].unbind(0))
    ins, forgets, outs = (gates[..., j * units:(j + 1) * units].unbind(0) for j in range(3))
    loop = zip(zs, sigmoids, candidates, ins, forgets, outs, hs.unbind(0), cells.unbind(0),
               tanhs.unbind(0), strict=True)
    a = q = None
    if keep:
        a, q = torch.empty_like(gates), torch.empty_like(hs)
        a_steps, a_candidates, q_steps = a.unbind(0), a[..., 3 * units:].unbind(0), q.unbind(0)
        ones = torch.ones_like(h0)
    h, c = h0, c0
    for t, (z, sigmoid, g, i, f, o, h_t, c_t, tc) in enumerate(loop):
        z.baddbmm_(h, w_t)
        sigmoid.sigmoid_()
        g.tanh_()
        torch.mul(f, c, out=c_t)
        c_t.addcmul_(i, g)
        torch.tanh(c_t, out=tc)
        torch.mul(o, tc, out=h_t)
        if keep:
            # d(pre) = [dc, dc, dh, dc] * a: each gate's derivative (s * (1 - s) for the
            # sigmoids, 1 - g^2 for g) times what multiplies the gate (g, c, tanh(c), i).
            a_t = a_steps[t]
            torch.addcmul(z, z, z, value=-1, out=a_t)
            torch.addcmul(ones, g, g, value=-1, out=a_candidates[t])
            a_t.mul_(torch.cat([g, c, tc, i], -1))
            torch.addcmul(o, h_t, tc, value=-1, out=q_steps[t])  # o * (1 - tanh(c)^2)
        h, c = h_t, c_t
    return hs, cells, gates, a, q


class _MemberLSTM(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, pre: torch.Tensor, w_hh: torch.Tensor, h0: torch.Tensor,
                c0: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        hs, cells, gates, a, q = _run(pre, w_hh, h0, c0, keep=True)
        ctx.save_for_backward(w_hh, h0, hs, gates, a, q)
        return hs.permute(1, 2, 0, 3), hs[-1].clone(), cells[-1].clone()

    @staticmethod
    def backward(ctx: Any, d_out: torch.Tensor, d_h: torch.Tensor, d_c: torch.Tensor
                 ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        w_hh, h0, hs, gates, a, q = ctx.saved_tensors
        steps, k, batch, units = hs.shape
        d_outs = d_out.permute(2, 0, 1, 3).unbind(0)
        d_pre = torch.empty_like(gates)  # time-major, as the gates
        d_pres, a_steps, q_steps = d_pre.unbind(0), a.unbind(0), q.unbind(0)
        forgets = gates[..., units:2 * units].unbind(0)
        for t in range(steps - 1, -1, -1):
            d_h = d_h + d_outs[t]
            d_c = torch.addcmul(d_c, d_h, q_steps[t])
            d_p = torch.cat([d_c, d_c, d_h, d_c], -1, out=d_pres[t]).mul_(a_steps[t])
            d_h = torch.bmm(d_p, w_hh)
            d_c = d_c * forgets[t]
        # The recurrent weights' gradient: every step's d(pre)^T @ h_{t-1}, in one product
        # over member-major copies (the returned d(pre) is that copy too).
        d_pre = d_pre.permute(1, 2, 0, 3).contiguous()  # (K, batch, time, 4H)
        h_prev = torch.empty(k, batch, steps, units, dtype=hs.dtype, device=hs.device)
        h_prev[:, :, 0] = h0
        h_prev[:, :, 1:] = hs[:-1].permute(1, 2, 0, 3)
        d_w = torch.bmm(d_pre.view(k, batch * steps, 4 * units).transpose(1, 2),
                        h_prev.view(k, batch * steps, units))
        return d_pre, d_w, d_h, d_c


_TO_IFOG = (0, 1, 3, 2)  # torch's gate blocks i, f, g, o -> i, f, o, g


def to_ifog(weight: torch.Tensor) -> torch.Tensor:
    """A stacked LSTM weight or bias ``(K, 4H, ...)`` with its gate blocks reordered from
    torch's i, f, g, o to the i, f, o, g `member_lstm` computes in (a small copy, so the
    sequence-long input projection comes out in that order without a pass of its own)."""
    blocks = weight.chunk(4, 1)
    return torch.cat([blocks[j] for j in _TO_IFOG], 1)


def member_lstm(pre: torch.Tensor, w_hh: torch.Tensor, h0: torch.Tensor, c0: torch.Tensor
                ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
    """K members' LSTM over ``pre`` ``(K, batch, time, 4H)`` (the input projection with
    both biases) with recurrent weights ``w_hh`` ``(K, 4H, H)``, both with the gates in
    the order i, f, o, g (`to_ifog`), from state (h0, c0) ``(K, batch, H)``: outputs
    ``(K, batch, time, H)`` and the final (h, c)."""
    if not torch.is_grad_enabled() or not any(
            t.requires_grad for t in (pre, w_hh, h0, c0)):
        with torch.no_grad():
            hs, cells, _, _, _ = _run(pre, w_hh, h0, c0, keep=False)
        return hs.permute(1, 2, 0, 3), (hs[-1], cells[-1])
    out, h, c = _MemberLSTM.apply(pre, w_hh, h0, c0)
    return out, (h, c)
