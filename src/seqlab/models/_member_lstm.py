"""The LSTM recurrence of K members as one autograd function, backward written out.

Autograd through a step-by-step loop records every small operation of every step and
replays each in backward: for a 50-step sequence that is thousands of tiny kernels per
training step, whose overhead (not arithmetic) is the cost. Here the forward loop runs
7 operations a step with nothing recorded, and the backward loop 6: the gate
derivatives are computed for all steps at once after the forward pass, and the
recurrent weights' gradient is one batched matrix product over all steps at the end.

The formulas are torch's LSTM (gate order i, f, g, o): ``c' = f*c + i*g``,
``h' = o*tanh(c')``, with the gates ``pre_t + h @ W_hh^T`` (``pre`` is the input
projection with both biases, computed outside with ordinary autograd).
"""

from __future__ import annotations

from typing import Any

import torch

__all__ = ["member_lstm"]


class _MemberLSTM(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, pre: torch.Tensor, w_hh: torch.Tensor, h0: torch.Tensor,
                c0: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        units = w_hh.shape[-1]
        w_t = w_hh.transpose(1, 2)
        h, c = h0, c0
        hs, cs, sigmoids, candidates, tanhs = [], [], [], [], []
        for pre_t in pre.unbind(2):
            gates = torch.baddbmm(pre_t, h, w_t)
            s = gates.sigmoid()
            g = gates[..., 2 * units:3 * units].tanh()
            c = torch.addcmul(s[..., units:2 * units] * c, s[..., :units], g)
            tc = c.tanh()
            h = s[..., 3 * units:] * tc
            hs.append(h)
            cs.append(c)
            sigmoids.append(s)
            candidates.append(g)
            tanhs.append(tc)
        out = torch.stack(hs, 2)
        ctx.save_for_backward(w_hh, h0, c0, out, torch.stack(cs), torch.stack(sigmoids),
                              torch.stack(candidates), torch.stack(tanhs))
        return out, h, c

    @staticmethod
    def backward(ctx: Any, d_out: torch.Tensor, d_h: torch.Tensor, d_c: torch.Tensor
                 ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        w_hh, h0, c0, out, cs, s, g, tc = ctx.saved_tensors
        units = w_hh.shape[-1]
        k, batch, steps, _ = out.shape
        c_prev = torch.cat([c0.unsqueeze(0), cs[:-1]], 0)
        i, f, o = s[..., :units], s[..., units:2 * units], s[..., 3 * units:]
        slope = s * (1 - s)
        derivative = torch.cat([slope[..., :2 * units], 1 - g * g, slope[..., 3 * units:]], -1)
        # d(pre) = [dc, dc, dc, dh] * a: the activations' inputs times their derivatives.
        a = torch.cat([g, c_prev, i, tc], -1) * derivative
        q = o * (1 - tc * tc)  # dc gains dh * q through h = o * tanh(c)
        d_outs = d_out.unbind(2)
        d_pres: list[torch.Tensor] = [d_out] * steps
        for t in range(steps - 1, -1, -1):
            d_h = d_h + d_outs[t]
            d_c = torch.addcmul(d_c, d_h, q[t])
            d_pre = torch.cat([d_c, d_c, d_c, d_h], -1) * a[t]
            d_pres[t] = d_pre
            d_h = torch.bmm(d_pre, w_hh)
            d_c = d_c * f[t]
        d_pre_all = torch.stack(d_pres, 2)
        h_prev = torch.cat([h0.unsqueeze(2), out[:, :, :-1]], 2)
        d_w = torch.bmm(d_pre_all.reshape(k, batch * steps, -1).transpose(1, 2),
                        h_prev.reshape(k, batch * steps, units))
        return d_pre_all, d_w, d_h, d_c


def member_lstm(pre: torch.Tensor, w_hh: torch.Tensor, h0: torch.Tensor, c0: torch.Tensor
                ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
    """K members' LSTM over ``pre`` ``(K, batch, time, 4H)`` (the input projection with
    biases) from state (h0, c0) ``(K, batch, H)``: outputs ``(K, batch, time, H)`` and the
    final (h, c)."""
    out, h, c = _MemberLSTM.apply(pre, w_hh, h0, c0)
    return out, (h, c)
