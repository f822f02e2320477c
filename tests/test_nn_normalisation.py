"""Facts about the normalisation layers: what they output, their exact backward pass
(against central differences and against PyTorch), training and eval mode, bad input."""

import numpy as np
import pytest

from actnet.data import moons
from actnet.gradcheck import gradient_check, numerical_gradient, relative_error
from actnet.nn import MLP, ActivationLayer, BatchNorm, Dense, LayerNorm

SEEDS = (0, 1, 2, 3, 4)


def _batch(seed, n=32, features=6):
    """Features with different means and scales, as a dense layer's outputs have."""
    rng = np.random.default_rng(seed)
    return rng.normal(rng.uniform(-3, 3, features), rng.uniform(0.5, 4, features), (n, features))


def _trained_affine(layer, seed):
    """Give gamma and beta values other than 1 and 0, so that the test sees them."""
    rng = np.random.default_rng([seed, 7])
    layer.gamma[...] = rng.uniform(0.5, 2.0, layer.n_features)
    layer.beta[...] = rng.normal(0.0, 1.0, layer.n_features)
    return layer


@pytest.mark.parametrize("seed", SEEDS)
def test_batchnorm_in_training_mode_gives_each_feature_mean_0_and_variance_1(seed):
    x = _batch(seed)
    y = BatchNorm(6).forward(x)
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-12)
    # variance sigma^2 / (sigma^2 + eps), eps = 1e-5, sigma >= 0.3 here
    np.testing.assert_allclose(y.var(axis=0), x.var(axis=0) / (x.var(axis=0) + 1e-5), rtol=1e-12)
    np.testing.assert_allclose(y.var(axis=0), 1.0, atol=2e-4)


@pytest.mark.parametrize("seed", SEEDS)
def test_layernorm_gives_each_example_mean_0_and_variance_1(seed):
    x = _batch(seed).T  # 6 examples of 32 features
    y = LayerNorm(32).forward(x)
    np.testing.assert_allclose(y.mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=1), x.var(axis=1) / (x.var(axis=1) + 1e-5), rtol=1e-12)


def test_gamma_and_beta_scale_and_shift_the_standardised_features():
    layer = _trained_affine(BatchNorm(6), 0)
    y = layer.forward(_batch(0))
    np.testing.assert_allclose(y.mean(axis=0), layer.beta, atol=1e-12)
    np.testing.assert_allclose(y.std(axis=0), layer.gamma, rtol=1e-4)


def _input_gradient_error(layer, x, seed):
    """Relative error of the layer's input gradient of L = sum(R * layer(x))."""
    upstream = np.random.default_rng([seed, 3]).standard_normal(layer.forward(x).shape)
    layer.forward(x)
    analytic = layer.backward(upstream)
    numeric = numerical_gradient(lambda: float(np.sum(upstream * layer.forward(x))), x)
    return relative_error(analytic, numeric)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("mode", ["batchnorm training", "batchnorm eval", "layernorm"])
def test_input_gradient_matches_central_differences(mode, seed):
    x = _batch(seed, n=8)
    if mode == "layernorm":
        layer = _trained_affine(LayerNorm(6), seed)
    else:
        layer = _trained_affine(BatchNorm(6), seed)
        layer.forward(_batch(seed + 10))  # running averages other than 0 and 1
        layer.training = mode == "batchnorm training"
    assert _input_gradient_error(layer, x, seed) < 1e-8


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("norm", [BatchNorm, LayerNorm])
def test_network_with_normalisation_passes_the_gradient_check(norm, seed):
    X, y = moons(12, seed=seed)
    rng = np.random.default_rng(seed)
    layers = [
        Dense(2, 5, init="xavier_normal", rng=rng),
        _trained_affine(norm(5), seed),
        ActivationLayer("tanh"),
        Dense(5, 4, init="xavier_normal", rng=rng, bias_init=0.3),
        _trained_affine(norm(4), seed + 1),
        ActivationLayer("sigmoid"),
        Dense(4, 1, init="xavier_normal", rng=rng),
        ActivationLayer("sigmoid"),
    ]
    check = gradient_check(MLP.from_layers(layers), X, y, loss="bce")
    # the first dense layer's gradients pass through both normalisations' backward passes
    biases_before_norm = (1, 5)
    if norm is BatchNorm:
        # the bias before batch normalisation has gradient 0: the relative error of two
        # roundings of 0 means nothing, their size does
        for i in biases_before_norm:
            assert np.abs(check.analytic[i]).max() < 1e-15
            assert np.abs(check.numeric[i]).max() < 1e-9
    errors = [
        e
        for i, e in enumerate(check.relative_errors)
        if norm is LayerNorm or i not in biases_before_norm
    ]
    assert max(errors) < 1e-6, check.relative_errors


@pytest.mark.parametrize("seed", SEEDS)
def test_batchnorm_input_gradients_sum_to_zero_over_the_batch(seed):
    layer = _trained_affine(BatchNorm(6), seed)
    x = _batch(seed)
    layer.forward(x)
    grad = layer.backward(np.random.default_rng(seed).standard_normal(x.shape))
    assert np.abs(grad.sum(axis=0)).max() < 1e-12 * np.abs(grad).max()


def test_running_averages_follow_the_momentum_rule_with_the_unbiased_variance():
    layer = BatchNorm(6, momentum=0.1)
    batches = [_batch(seed, n=10) for seed in range(3)]
    mean, var = np.zeros(6), np.ones(6)
    for x in batches:
        layer.forward(x)
        mean = 0.9 * mean + 0.1 * x.mean(axis=0)
        var = 0.9 * var + 0.1 * x.var(axis=0, ddof=1)
    np.testing.assert_allclose(layer.running_mean, mean, rtol=1e-14)
    np.testing.assert_allclose(layer.running_var, var, rtol=1e-14)


def test_eval_mode_uses_the_running_averages_and_treats_examples_one_by_one():
    layer = _trained_affine(BatchNorm(6), 0)
    for seed in range(5):
        layer.forward(_batch(seed))
    mean, var = layer.running_mean.copy(), layer.running_var.copy()
    layer.training = False
    x = _batch(9)
    expected = layer.gamma * (x - mean) / np.sqrt(var + 1e-5) + layer.beta
    np.testing.assert_allclose(layer.forward(x), expected, rtol=1e-14)
    np.testing.assert_array_equal(layer.forward(x[:1]), layer.forward(x)[:1])
    np.testing.assert_array_equal(layer.running_mean, mean)  # eval mode does not update them


def test_mlp_train_and_eval_switch_every_batchnorm_layer():
    net = MLP.from_layers([Dense(2, 3, rng=0), BatchNorm(3), Dense(3, 3, rng=0), BatchNorm(3)])
    flags = [layer.training for layer in net.eval().layers if isinstance(layer, BatchNorm)]
    assert flags == [False, False]
    flags = [layer.training for layer in net.train().layers if isinstance(layer, BatchNorm)]
    assert flags == [True, True]


def test_a_network_with_batchnorm_trains_and_predicts_single_examples_in_eval_mode():
    X, y = moons(200, seed=0)
    rng = np.random.default_rng(0)
    net = MLP.from_layers(
        [
            Dense(2, 16, rng=rng),
            BatchNorm(16),
            ActivationLayer("relu"),
            Dense(16, 1, rng=rng),
            ActivationLayer("sigmoid"),
        ]
    )
    history = net.fit(X, y, loss="bce", lr=0.5, epochs=100, batch_size=32, seed=0)
    assert history.loss[-1] < 0.5 * history.loss[0]
    net.eval()
    accuracy = np.mean(net.predict_labels(X) == y)
    assert accuracy > 0.95
    assert net.predict_labels(X[:1])[0] == net.predict_labels(X)[0]


def test_bad_input_to_the_normalisation_layers_is_a_clear_error():
    with pytest.raises(ValueError, match=r"BatchNorm\(3\) normalises 3 features .* got \(4, 2\)"):
        BatchNorm(3).forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"LayerNorm\(3\) normalises 3 features"):
        LayerNorm(3).forward(np.ones(3))
    with pytest.raises(ValueError, match="at least 2 examples.*net.eval"):
        BatchNorm(3).forward(np.ones((1, 3)))
    with pytest.raises(ValueError, match="momentum must be in"):
        BatchNorm(3, momentum=1.5)
    with pytest.raises(ValueError, match="n_features"):
        LayerNorm(0)
    with pytest.raises(ValueError, match="eps"):
        BatchNorm(2, eps=0.0)


# ----------------------------------------------------- PyTorch as an oracle
@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize("seed", SEEDS)
def test_batchnorm_matches_pytorch_in_training_and_eval_mode(torch, seed):
    x = _batch(seed)
    upstream = np.random.default_rng([seed, 5]).standard_normal(x.shape)
    ours = _trained_affine(BatchNorm(6), seed)
    theirs = torch.nn.BatchNorm1d(6, eps=1e-5, momentum=0.1, dtype=torch.float64)
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(ours.gamma))
        theirs.bias.copy_(torch.from_numpy(ours.beta))
    for training in (True, False):
        ours.training = training
        theirs.train(training)
        xt = torch.from_numpy(x.copy()).requires_grad_(True)
        yt = theirs(xt)
        yt.backward(torch.from_numpy(upstream))
        y = ours.forward(x)
        grad_x = ours.backward(upstream)
        np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(grad_x, xt.grad.numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ours.grads[0], theirs.weight.grad.numpy(), rtol=1e-12)
        np.testing.assert_allclose(ours.grads[1], theirs.bias.grad.numpy(), rtol=1e-12)
        np.testing.assert_allclose(ours.running_mean, theirs.running_mean.numpy(), rtol=1e-14)
        np.testing.assert_allclose(ours.running_var, theirs.running_var.numpy(), rtol=1e-14)
        theirs.zero_grad()


@pytest.mark.parametrize("seed", SEEDS)
def test_layernorm_matches_pytorch(torch, seed):
    x = _batch(seed)
    upstream = np.random.default_rng([seed, 5]).standard_normal(x.shape)
    ours = _trained_affine(LayerNorm(6), seed)
    theirs = torch.nn.LayerNorm(6, eps=1e-5, dtype=torch.float64)
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(ours.gamma))
        theirs.bias.copy_(torch.from_numpy(ours.beta))
    xt = torch.from_numpy(x.copy()).requires_grad_(True)
    yt = theirs(xt)
    yt.backward(torch.from_numpy(upstream))
    np.testing.assert_allclose(ours.forward(x), yt.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.backward(upstream), xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.grads[0], theirs.weight.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.grads[1], theirs.bias.grad.numpy(), rtol=1e-12)
