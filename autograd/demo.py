"""A first look at the engine: one neuron, its forward value and the gradients backward finds."""
import autograd as ag


def main() -> None:
    x1, x2 = ag.Tensor(2.0, name="x1"), ag.Tensor(0.0, name="x2")
    w1 = ag.Tensor(-3.0, requires_grad=True, name="w1")
    w2 = ag.Tensor(1.0, requires_grad=True, name="w2")
    b = ag.Tensor(6.8813735870195432, requires_grad=True, name="b")
    y = ag.tanh(w1 * x1 + w2 * x2 + b)
    y.backward()
    print(f"y = tanh(w1*x1 + w2*x2 + b) = {y.item():.4f}")
    for t in (w1, w2, b):
        print(f"dy/d{t.name} = {t.grad.item():+.4f}")


if __name__ == "__main__":
    main()
