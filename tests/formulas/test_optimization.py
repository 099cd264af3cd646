"""Gradient descent and its variants: gradients from the engine, updates from `optim`, each checked
against the update formula written out independently in numpy.

The running problem is least squares: L(w) = 1/2 mean_i (x_i . w - y_i)^2, whose gradient is
X^T (X w - y) / m.
"""
import numpy as np
import pytest

import autograd as ag
import optim


def tensor(array, requires_grad=False):
    return ag.Tensor(array, requires_grad=requires_grad, dtype=np.float64)


def least_squares_problem(rng, samples=8, features=3):
    return rng.normal(size=(samples, features)), rng.normal(size=samples)


def least_squares_loss(w, x, y):
    """1/2 mean (x w - y)^2, built from engine ops."""
    residual = ag.matmul(tensor(x), w) - tensor(y)
    return 0.5 * ag.mean(residual * residual)


def least_squares_gradient(w, x, y):
    """The closed form X^T (X w - y) / m."""
    return x.T @ (x @ w - y) / len(y)


def engine_trajectory(optimizer_cls, w0, x, y, steps=3, **options):
    """Iterates of `optimizer_cls` on the least-squares loss, every gradient from backward()."""
    w = tensor(w0.copy(), True)
    optimizer = optimizer_cls([w], **options)
    trajectory = []
    for _ in range(steps):
        optimizer.zero_grad()
        least_squares_loss(w, x, y).backward()
        optimizer.step()
        trajectory.append(w.data.copy())
    return np.array(trajectory)


def test_one_gradient_descent_step(rng):
    """W_new = W_old - alpha dL/dW."""
    x, y = least_squares_problem(rng)
    w0, alpha = rng.normal(size=3), 0.1
    w = tensor(w0.copy(), True)
    least_squares_loss(w, x, y).backward()
    np.testing.assert_allclose(w.grad.data, least_squares_gradient(w0, x, y), rtol=1e-12)
    optim.SGD([w], learning_rate=alpha).step()
    np.testing.assert_allclose(w.data, w0 - alpha * least_squares_gradient(w0, x, y), rtol=1e-12)


# ---- mini-batches ------------------------------------------------------------------------------
def test_minibatch_gradient_is_the_mean_of_per_sample_gradients(rng):
    """grad (1/m) sum_i l_i = (1/m) sum_i grad l_i."""
    x, y = least_squares_problem(rng)
    w = tensor(rng.normal(size=3), True)
    (batch_gradient,) = ag.grad(least_squares_loss(w, x, y), [w])
    per_sample = [ag.grad(least_squares_loss(w, x[i:i + 1], y[i:i + 1]), [w])[0].data
                  for i in range(len(y))]
    np.testing.assert_allclose(batch_gradient.data, np.mean(per_sample, axis=0), rtol=1e-12)


def sequential_least_squares(w0, x, y, eta):
    """m SGD steps, one per sample in order, each w <- (I - eta x_i x_i^T) w + eta y_i x_i (exact)."""
    w = w0.copy()
    for x_i, y_i in zip(x, y):
        w = (np.eye(len(w)) - eta * np.outer(x_i, x_i)) @ w + eta * y_i * x_i
    return w


def second_order_difference(w0, x, y, eta):
    """sequential - batch = eta^2 sum_{j<k} A_k g_j(w0) + O(eta^3), with A_k = x_k x_k^T and
    g_j(w) = x_j (x_j . w - y_j): step k sees w0 already moved by the earlier steps' -eta g_j."""
    per_sample = [x_j * (x_j @ w0 - y_j) for x_j, y_j in zip(x, y)]
    total = np.zeros_like(w0)
    for k in range(1, len(y)):
        total += np.outer(x[k], x[k]) @ np.sum(per_sample[:k], axis=0)
    return eta ** 2 * total


def batch_and_sequential_steps(w0, x, y, eta):
    """The engine + SGD: one step of rate m eta on the batch mean, and m steps of rate eta."""
    m = len(y)
    batch = engine_trajectory(optim.SGD, w0, x, y, steps=1, learning_rate=m * eta)[-1]
    w = tensor(w0.copy(), True)
    sgd = optim.SGD([w], learning_rate=eta)
    for i in range(m):  # per-sample loss 1/2 (x_i . w - y_i)^2
        sgd.zero_grad()
        least_squares_loss(w, x[i:i + 1], y[i:i + 1]).backward()
        sgd.step()
    return batch, w.data.copy()


def test_batch_step_versus_sequential_sgd_steps(rng):
    """m SGD steps of rate eta = one batch step of rate m eta + eta^2 sum_{j<k} A_k g_j(w0) + O(eta^3)."""
    x, y = least_squares_problem(rng, samples=6)
    w0 = rng.normal(size=3)
    residuals = []
    for eta in (2e-3, 1e-3):
        batch, sequential = batch_and_sequential_steps(w0, x, y, eta)
        gradient_sum = len(y) * least_squares_gradient(w0, x, y)
        np.testing.assert_allclose(batch, w0 - eta * gradient_sum, rtol=1e-12)
        np.testing.assert_allclose(sequential, sequential_least_squares(w0, x, y, eta), rtol=1e-12)
        predicted = second_order_difference(w0, x, y, eta)
        difference = sequential - batch
        assert np.linalg.norm(difference - predicted) < 0.05 * np.linalg.norm(predicted)
        residuals.append(np.linalg.norm(difference - predicted))
    # What the eta^2 term leaves is third order: halving eta divides it by about 8.
    assert 6 < residuals[0] / residuals[1] < 10


# ---- the optimizers' update rules --------------------------------------------------------------
def numpy_trajectory(update, w0, x, y, steps=3):
    """Iterates of `update(w, g, state, t) -> w` with the closed-form gradient."""
    w, state, trajectory = w0.copy(), {}, []
    for t in range(1, steps + 1):
        w = update(w, least_squares_gradient(w, x, y), state, t)
        trajectory.append(w)
    return np.array(trajectory)


def momentum_textbook(lr, mu):
    """v <- mu v + g, w <- w - lr v (the heavy ball as most textbooks write it)."""
    def update(w, g, state, t):
        state["v"] = mu * state.get("v", 0.0) + g
        return w - lr * state["v"]
    return update


def test_momentum_update(rng):
    """v <- mu v + g, w <- w - lr v (Keras: v' <- mu v' - lr g, w <- w + v', the same for v' = -lr v)."""
    x, y = least_squares_problem(rng)
    w0 = rng.normal(size=3)
    engine = engine_trajectory(optim.SGD, w0, x, y, learning_rate=0.1, momentum=0.9)
    np.testing.assert_allclose(engine, numpy_trajectory(momentum_textbook(0.1, 0.9), w0, x, y),
                               rtol=1e-12)


def test_nesterov_update(rng):
    """Sutskever: v <- mu v - lr g(w + mu v), w <- w + v; SGD(nesterov) holds phi = w + mu v."""
    # Keras (and our SGD) store the look-ahead point phi = w + mu v, which turns the rule into
    # v <- mu v - lr g(phi), phi <- phi + mu v - lr g(phi): the gradient is taken where phi is.
    x, y = least_squares_problem(rng)
    w0, lr, mu = rng.normal(size=3), 0.1, 0.9
    engine = engine_trajectory(optim.SGD, w0, x, y, learning_rate=lr, momentum=mu, nesterov=True)
    w, v, look_ahead = w0.copy(), np.zeros(3), []
    for _ in range(3):
        v = mu * v - lr * least_squares_gradient(w + mu * v, x, y)
        w = w + v
        look_ahead.append(w + mu * v)
    np.testing.assert_allclose(engine, np.array(look_ahead), rtol=1e-12)


def test_rmsprop_update(rng):
    """v <- rho v + (1 - rho) g^2, w <- w - lr g / sqrt(v + eps)."""
    # Keras puts eps inside the root; Hinton's lecture slides write sqrt(v) + eps.
    x, y = least_squares_problem(rng)
    w0, lr, rho, eps = rng.normal(size=3), 0.01, 0.9, 1e-7

    def update(w, g, state, t):
        state["v"] = rho * state.get("v", 0.0) + (1 - rho) * g ** 2
        return w - lr * g / np.sqrt(state["v"] + eps)

    engine = engine_trajectory(optim.RMSprop, w0, x, y, learning_rate=lr, rho=rho, epsilon=eps)
    np.testing.assert_allclose(engine, numpy_trajectory(update, w0, x, y), rtol=1e-12)


def test_adagrad_update(rng):
    """G <- G + g^2, w <- w - lr g / sqrt(G + eps)."""
    # Keras starts G at initial_accumulator_value = 0.1 (Duchi et al. at 0) and puts eps inside the root.
    x, y = least_squares_problem(rng)
    w0, lr, start, eps = rng.normal(size=3), 0.1, 0.1, 1e-7

    def update(w, g, state, t):
        state["G"] = state.get("G", start) + g ** 2
        return w - lr * g / np.sqrt(state["G"] + eps)

    engine = engine_trajectory(optim.Adagrad, w0, x, y, learning_rate=lr,
                               initial_accumulator_value=start, epsilon=eps)
    np.testing.assert_allclose(engine, numpy_trajectory(update, w0, x, y), rtol=1e-12)


def adam_textbook(lr, b1, b2, eps, epsilon_hat):
    """Kingma & Ba: w <- w - lr m_hat / (sqrt(v_hat) + eps), m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t).

    With `epsilon_hat` the eps is added to sqrt(v) before the bias correction instead, i.e. it is
    the paper's eps-hat = eps sqrt(1 - b2^t) in the formula above: that is the form Keras uses.
    """
    def update(w, g, state, t):
        state["m"] = b1 * state.get("m", 0.0) + (1 - b1) * g
        state["v"] = b2 * state.get("v", 0.0) + (1 - b2) * g ** 2
        m_hat, v_hat = state["m"] / (1 - b1 ** t), state["v"] / (1 - b2 ** t)
        denominator = np.sqrt(v_hat) + (eps / np.sqrt(1 - b2 ** t) if epsilon_hat else eps)
        return w - lr * m_hat / denominator
    return update


@pytest.mark.parametrize("eps", [0.0, 1e-7, 1e-2])
def test_adam_update(rng, eps):
    """Keras's Adam: w <- w - lr sqrt(1 - b2^t) / (1 - b1^t) m / (sqrt(v) + eps) (eps-hat form)."""
    x, y = least_squares_problem(rng)
    w0, lr, b1, b2 = rng.normal(size=3), 0.01, 0.9, 0.999
    engine = engine_trajectory(optim.Adam, w0, x, y, learning_rate=lr, beta_1=b1, beta_2=b2,
                               epsilon=eps)
    keras_form = numpy_trajectory(adam_textbook(lr, b1, b2, eps, epsilon_hat=True), w0, x, y)
    np.testing.assert_allclose(engine, keras_form, rtol=1e-12)
    paper_form = numpy_trajectory(adam_textbook(lr, b1, b2, eps, epsilon_hat=False), w0, x, y)
    if eps == 0.0:  # the two placements of eps agree only when there is no eps
        np.testing.assert_allclose(engine, paper_form, rtol=1e-12)
    elif eps >= 1e-2:
        assert not np.allclose(engine, paper_form, rtol=1e-6, atol=0)


# ---- convergence -------------------------------------------------------------------------------
def quadratic_descent(h, w0, alpha, steps):
    """Iterates of SGD on L(w) = 1/2 w^T H w, every gradient from the engine."""
    w = tensor(w0.copy(), True)
    sgd = optim.SGD([w], learning_rate=alpha)
    trajectory = []
    for _ in range(steps):
        sgd.zero_grad()
        (0.5 * ag.sum(w * ag.matmul(tensor(h), w))).backward()
        sgd.step()
        trajectory.append(w.data.copy())
    return np.array(trajectory)


@pytest.mark.parametrize("factor", [0.5, 0.95, 1.05, 1.5])
def test_gradient_descent_on_a_quadratic_converges_below_two_over_curvature(rng, factor):
    """On 1/2 w^T H w, w_k = (I - alpha H)^k w_0: converges iff alpha < 2 / L, L = max eig H."""
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    eigenvalues = np.array([4.0, 1.0, 0.5])
    h = q @ np.diag(eigenvalues) @ q.T
    curvature = eigenvalues.max()
    alpha, steps, w0 = factor * 2 / curvature, 40, rng.normal(size=3)
    trajectory = quadratic_descent(h, w0, alpha, steps)
    # Along each eigenvector the component is multiplied by (1 - alpha lambda) per step.
    predicted = q @ np.diag((1 - alpha * eigenvalues) ** steps) @ q.T @ w0
    np.testing.assert_allclose(trajectory[-1], predicted, rtol=1e-8, atol=1e-12)
    norms = np.linalg.norm(trajectory, axis=1)
    if alpha < 2 / curvature:
        assert norms[-1] < 1e-2 * np.linalg.norm(w0)
    else:
        assert norms[-1] > 2 * np.linalg.norm(w0)


def test_linear_regression_by_gradient_descent_reaches_least_squares(rng):
    """GD on mean (X w + b - y)^2 converges to argmin ||X w + b - y||, the np.linalg.lstsq solution."""
    samples = 100
    x = rng.normal(size=(samples, 3))
    y = x @ np.array([1.5, -2.0, 0.5]) + 0.7 + 0.3 * rng.normal(size=samples)
    design = np.hstack([x, np.ones((samples, 1))])
    solution, *_ = np.linalg.lstsq(design, y, rcond=None)
    # The loss's curvature is 2 lambda_max(D^T D / m); a step of 1 / curvature converges.
    curvature = 2 * np.linalg.eigvalsh(design.T @ design / samples).max()
    w, b = tensor(np.zeros(3), True), tensor(0.0, True)
    sgd = optim.SGD([w, b], learning_rate=1 / curvature)
    for _ in range(300):
        sgd.zero_grad()
        residual = ag.matmul(tensor(x), w) + b - tensor(y)
        ag.mean(residual * residual).backward()
        sgd.step()
    np.testing.assert_allclose(np.append(w.data, b.data), solution, atol=1e-8)
