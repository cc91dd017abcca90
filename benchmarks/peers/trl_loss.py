"""TRL's GRPO loss in eager PyTorch (GRPOTrainer._compute_loss with loss_type "dapo" and the k3 KL estimator): the loss
peer of benchmarks/peers/peer_bench.py (CPU) and gpu/bench.py (GPU), on whatever device its tensors are."""
import torch


def dapo_k3(logp0, old, ref, mask, adv, eps_low, eps_high, beta):
    """Forward and backward of the token-mean clipped loss plus beta * k3 KL; returns (loss, dloss/dlogp).

    logp0, old, ref, mask (float): [B, T]; adv: [B].
    """
    logp = logp0.detach().requires_grad_(True)
    coef_1 = torch.exp(logp - old)
    coef_2 = torch.clamp(coef_1, 1 - eps_low, 1 + eps_high)
    per_token_loss = -torch.min(coef_1 * adv.unsqueeze(1), coef_2 * adv.unsqueeze(1))
    kl = torch.exp(ref - logp) - (ref - logp) - 1
    per_token_loss = per_token_loss + beta * kl
    loss = (per_token_loss * mask).sum() / mask.sum().clamp(min=1.0)
    loss.backward()
    return loss, logp.grad
