"""The LSTM recurrence of K members as one autograd function, backward written out.

Autograd through a step-by-step loop records every small operation of every step and
replays each in backward: for a 50-step sequence that is thousands of tiny kernels per
training step, whose overhead (not arithmetic) is the cost. Here nothing inside the
loops is recorded.

What costs time once the overhead is gone is memory, not arithmetic: with 30 members a
sequence's gates are megabytes, and every whole-sequence temporary (a ``stack`` of the
steps, a ``cat`` of gate derivatives, a permuted copy of the input projection) is a
pass through main memory that costs more than the step's arithmetic (such copies ran at
about 2 GB/s on the 2-core machine measured). So nothing sequence-long is built after
the fact:

- every step writes into preallocated time-major buffers (``(time, K, batch, ...)``,
  each step's slice one contiguous block that stays in cache);
- the input projection and the bias join the recurrent product: step t is one
  ``[h_{t-1}, x_t, 1] @ [W_hh | W_ih | b]^T``, and the step's output ``h_t`` is written
  straight into the next step's row of that ``[h, x, 1]`` buffer;
- after the loop, a few passes over the kept gates and cells give what the backward
  pass multiplies by: ``a``, the derivative of each gate's pre-activation times what
  multiplies the gate, and ``q = o * (1 - tanh(c)^2)`` (computing them step by step in
  the loop cost as much at 30 members and more at 1 and 10);
- the backward loop is 7 small operations a step: one product gives ``d h_{t-1}`` and
  ``d x_t`` together, and the weights' gradient is summed in place step by step.

Gates keep torch's order i, f, g, o, with one ``sigmoid`` a step over all four: the
candidate's rows of the weights are doubled, so its slot holds ``sigmoid(2x)`` and its
``tanh(x) = 2 sigmoid(2x) - 1`` is one cheap ``lerp`` (a ``tanh`` costs 3 to 4 times a
``sigmoid`` per element on the CPUs measured; the identity is within 2e-7 of torch's
``tanh``, float rounding). The formulas are
torch's LSTM: ``c' = f*c + i*g``, ``h' = o*tanh(c')``, the gates ``x @ W_ih^T + b_ih +
b_hh + h @ W_hh^T``; only the order of the sums differs, so results agree with torch's
kernel to float rounding.
"""

from __future__ import annotations

from typing import Any

import torch

__all__ = ["member_lstm"]


def _run(x: torch.Tensor, weights: torch.Tensor, h0: torch.Tensor, c0: torch.Tensor,
         keep: bool) -> tuple[torch.Tensor, ...]:
    """The forward loop over ``x`` ``(K, batch, time, I)`` with ``weights`` ``(K, 4H, H +
    I + 1)``: ``[W_hh | W_ih | bias]``, torch's gate order i, f, g, o. Returns ``hx``
    ``(time + 1, K, batch, H + I + 1)`` (step t: ``[h_{t-1}, x_t, 1]``; the outputs are
    its ``h`` columns from step 1 on), the cells, and when `keep` what the backward pass
    reads: the gates' sigmoids, the ``a`` factors and ``q``."""
    k, batch, steps, inputs = x.shape
    four, width = weights.shape[1:]
    units = four // 4
    w_t = weights.transpose(1, 2).contiguous()
    # The candidate's pre-activation doubled (exactly: a power of two), so the one sigmoid
    # a step gives sigmoid(2x) in its slot and tanh(x) = 2 sigmoid(2x) - 1 is one cheap
    # lerp: tanh costs 3 to 4 times a sigmoid on the CPUs measured. Within 2e-7 of tanh.
    w_t[..., 2 * units:3 * units] *= 2.0
    minus, plus = x.new_tensor(-1.0), x.new_tensor(1.0)
    options = {"dtype": x.dtype, "device": x.device}
    hx = torch.empty(steps + 1, k, batch, width, **options)
    hx[0, ..., :units] = h0
    hx[:steps, ..., units:units + inputs] = x.permute(2, 0, 1, 3)
    hx[..., units + inputs:] = 1.0
    gates = torch.empty(steps, k, batch, four, **options)
    cells = torch.empty(steps, k, batch, units, **options)
    tanhs, candidates = torch.empty_like(cells), torch.empty_like(cells)
    # Every per-step view is made once here (one call per buffer, not one per step).
    i_all, f_all, z_g, o_all = gates.view(steps, k, batch, 4, units).unbind(3)
    loop = zip(hx.unbind(0), gates.unbind(0), z_g.unbind(0), candidates.unbind(0),
               i_all.unbind(0), f_all.unbind(0), o_all.unbind(0),
               hx[1:, ..., :units].unbind(0), cells.unbind(0), tanhs.unbind(0), strict=False)
    c = c0
    for hx_t, z, z_g_t, g, i, f, o, h_t, c_t, tc in loop:
        torch.bmm(hx_t, w_t, out=z)
        z.sigmoid_()
        torch.lerp(minus, plus, z_g_t, out=g)  # 2 sigmoid(2x) - 1 = tanh(x)
        torch.mul(f, c, out=c_t)
        c_t.addcmul_(i, g)
        torch.tanh(c_t, out=tc)
        torch.mul(o, tc, out=h_t)
        c = c_t
    a = q = None
    if keep:
        # d(pre) = [dc, dc, dc, dh] * a: each gate's derivative (s * (1 - s) for the
        # sigmoids, 1 - g^2 for g) times what multiplies the gate (g, c_{t-1}, i, tanh(c)),
        # for all steps at once (a few passes instead of a few small operations a step).
        a = torch.addcmul(gates, gates, gates, value=-1)
        a_i, a_f, a_g, a_o = a.view(steps, k, batch, 4, units).unbind(3)
        a_i.mul_(candidates)
        a_f[0].mul_(c0)
        a_f[1:].mul_(cells[:-1])
        a_o.mul_(tanhs)
        torch.mul(candidates, candidates, out=a_g)
        torch.addcmul(i_all, i_all, a_g, value=-1, out=a_g)
        q = torch.addcmul(o_all, hx[1:, ..., :units], tanhs, value=-1)  # o (1 - tanh(c)^2)
    return hx, cells, gates, a, q


class _MemberLSTM(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, weights: torch.Tensor, h0: torch.Tensor,
                c0: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        hx, cells, gates, a, q = _run(x, weights, h0, c0, keep=True)
        ctx.save_for_backward(weights, hx, gates, a, q)
        ctx.inputs = x.shape[-1]
        units = h0.shape[-1]
        return (hx[1:, ..., :units].permute(1, 2, 0, 3), hx[-1, ..., :units].clone(),
                cells[-1].clone())

    @staticmethod
    def backward(ctx: Any, d_out: torch.Tensor, d_h: torch.Tensor, d_c: torch.Tensor
                 ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        weights, hx, gates, a, q = ctx.saved_tensors
        steps, k, batch, four = gates.shape
        units, inputs = four // 4, ctx.inputs
        d_outs = d_out.permute(2, 0, 1, 3).unbind(0)
        # Per step: d(pre) @ [W_hh | W_ih | bias] is [d h_{t-1}, d x_t, -] in one product,
        # and the weights' gradient d(pre)^T @ [h_{t-1}, x_t, 1] is summed in place.
        d_hx = torch.empty(steps, k, batch, weights.shape[-1], dtype=hx.dtype,
                           device=hx.device)
        d_weights = torch.zeros_like(weights)
        d_p = torch.empty(k, batch, four, dtype=hx.dtype, device=hx.device)
        forgets = gates[..., units:2 * units].unbind(0)
        hxs, a_steps, q_steps, d_hxs = hx.unbind(0), a.unbind(0), q.unbind(0), d_hx.unbind(0)
        for t in range(steps - 1, -1, -1):
            d_h = d_h + d_outs[t]
            d_c = torch.addcmul(d_c, d_h, q_steps[t])
            torch.cat([d_c, d_c, d_c, d_h], -1, out=d_p).mul_(a_steps[t])
            d_weights.baddbmm_(d_p.transpose(1, 2), hxs[t])
            d_h = torch.bmm(d_p, weights, out=d_hxs[t])[..., :units]
            d_c = d_c * forgets[t]
        d_x = d_hx[..., units:units + inputs].permute(1, 2, 0, 3)
        return d_x, d_weights, d_h, d_c


def member_lstm(x: torch.Tensor, w_ih: torch.Tensor, w_hh: torch.Tensor, bias: torch.Tensor,
                h0: torch.Tensor, c0: torch.Tensor
                ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
    """K members' LSTM over ``x`` ``(K, batch, time, I)`` with weights ``w_ih`` ``(K, 4H,
    I)``, ``w_hh`` ``(K, 4H, H)`` and ``bias`` ``(K, 4H)`` (both of torch's biases), gates
    in torch's order, from state (h0, c0) ``(K, batch, H)``: outputs ``(K, batch, time,
    H)`` and the final (h, c)."""
    weights = torch.cat([w_hh, w_ih, bias.unsqueeze(-1)], -1)
    units = h0.shape[-1]
    if not torch.is_grad_enabled() or not any(
            t.requires_grad for t in (x, weights, h0, c0)):
        with torch.no_grad():
            hx, cells, _, _, _ = _run(x, weights, h0, c0, keep=False)
        return hx[1:, ..., :units].permute(1, 2, 0, 3), (hx[-1, ..., :units], cells[-1])
    out, h, c = _MemberLSTM.apply(x, weights, h0, c0)
    return out, (h, c)
