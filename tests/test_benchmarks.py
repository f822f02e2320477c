"""The pieces of benchmarks/run.py work (on tiny sizes; no timing is asserted)."""

from pathlib import Path

import benchmarks_module
import mpmath
import numpy as np
import pytest

import actnet

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    return benchmarks_module.bench


def test_errors_are_absolute_and_relative_to_the_exact_value(bench):
    with mpmath.workprec(200):
        exact = [mpmath.mpf(1) / 3, mpmath.mpf(2) ** -1040, mpmath.mpf(0), mpmath.mpf(-2)]
    computed = np.array([1 / 3, 0.0, 1e-300, -2.0 * (1 + 2**-52)])
    absolute, relative = bench.errors(computed, exact)
    with mpmath.workprec(200):
        assert absolute[0] == float(abs(mpmath.mpf(1 / 3) - exact[0]))  # about 1.85e-17
    assert relative[0] == pytest.approx(absolute[0] * 3, rel=1e-6)
    # a subnormal or zero exact value has no relative error: it is left out (NaN)
    assert np.isnan(relative[1]) and np.isnan(relative[2]) and absolute[2] == 1e-300
    assert relative[3] == 2**-52


def test_condition_numbers_of_known_functions(bench):
    # x^3: 3 everywhere; e^x: |x|; log x at x = e: 1
    assert bench.condition_number(lambda x: x**3, 0.7) == pytest.approx(3.0, rel=1e-12)
    assert bench.condition_number(mpmath.exp, -20.0) == pytest.approx(20.0, rel=1e-12)
    assert bench.condition_number(mpmath.log, float(mpmath.e)) == pytest.approx(1.0, rel=1e-12)


def test_the_relative_target_grows_only_where_the_function_amplifies_rounding(bench):
    assert bench.allowed_relative_error(mpmath.exp, -1.0) == bench.RELATIVE_TARGET
    eps = np.finfo(np.float64).eps
    assert bench.allowed_relative_error(mpmath.exp, -500.0) == pytest.approx(4 * eps * 500)


def test_row_ratio_and_target(bench):
    row = bench.Row("training", "net", 2.0, 4.0, "ms", 0.5)
    assert (row.ratio, row.ok) == (0.5, True)
    assert bench.Row("x", "y", 3.0, 2.0, "ms", 1.25).ok is False
    assert bench.Row("x", "y", 3.0, 2.0, "ms").ok is None


def test_format_table_is_one_markdown_table_with_a_verdict_per_row(bench):
    rows = [
        bench.Row("activations", "relu n=1e3 vs numpy", 12.5, 10.0, "us", 1.3),
        bench.Row("explorers", "zigzag set() max", 80.0, 50.0, "ms", 1, "9 updates"),
        bench.Row("accuracy", "silu grad", 1.0, 4.0, "ulp"),
    ]
    lines = bench.format_table(rows).splitlines()
    assert len(lines) == 2 + len(rows)
    assert lines[0].split("|")[1].strip() == "section"
    assert set(lines[1]) <= set("|-:")
    assert {len(line) for line in lines} == {len(lines[0])}  # aligned columns
    cells = [[c.strip() for c in line.split("|")[1:-1]] for line in lines[2:]]
    assert cells[0][5:] == ["1.25", "<= 1.3", "yes"]
    assert cells[1][5:] == ["1.60", "<= 1", "NO (9 updates)"]
    assert cells[2][5:] == ["0.25", "-", "-"]


def test_best_times_calls_every_contender_and_keeps_the_smallest(bench):
    calls = {"a": 0, "b": 0}

    def a():
        calls["a"] += 1

    def b():
        calls["b"] += 1

    best = bench.best_times({"a": a, "b": b}, repeats=3, number=2)
    assert calls == {"a": 7, "b": 7}  # one warm-up, then 3 repeats of 2
    assert set(best) == {"a", "b"} and all(0 <= t < 1 for t in best.values())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_plain_numpy_expressions_compute_the_same_functions_as_actnet(bench, dtype):
    x = np.linspace(-6.0, 6.0, 241).astype(dtype)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    acts = bench.actnet_activations()
    plain = bench.numpy_expressions(dtype)
    assert set(plain) == set(acts)
    for name, (value, grad) in plain.items():
        assert value(x).dtype == dtype, name
        np.testing.assert_allclose(value(x), acts[name](x), rtol=tol, atol=tol, err_msg=name)
        np.testing.assert_allclose(grad(x), acts[name].grad(x), rtol=tol, atol=tol, err_msg=name)


def test_references_agree_with_actnet_and_vanish_at_the_listed_roots(bench):
    refs = bench.references()
    acts = bench.actnet_activations()
    with mpmath.workprec(200):
        for name, (value, grad) in refs.items():
            for x in (-3.0, -0.5, 0.25, 2.0):
                assert float(value(mpmath.mpf(x))) == pytest.approx(float(acts[name](x)), rel=1e-13)
                assert float(grad(mpmath.mpf(x))) == pytest.approx(
                    float(acts[name].grad(x)), rel=1e-12
                )
        for name, root in bench.DERIVATIVE_ROOTS.items():
            assert abs(refs[name][1](mpmath.mpf(root))) < 1e-16, name


def test_the_benchmarks_refuse_an_actnet_other_than_this_checkouts(bench, tmp_path):
    bench.check_actnet_is_this_checkout()  # the test environment's actnet is editable
    stale = tmp_path / "site-packages" / "actnet" / "__init__.py"
    with pytest.raises(SystemExit, match="--editable"):
        bench.check_actnet_is_this_checkout(str(stale))


def test_floats_around_are_the_neighbouring_floats_in_order(bench):
    near = bench.floats_around(1.0, 2)
    eps = np.finfo(np.float64).eps
    np.testing.assert_array_equal(near, [1 - eps, 1 - eps / 2, 1.0, 1 + eps, 1 + 2 * eps])


def test_accuracy_points_hold_the_floats_next_to_every_root(bench):
    points = bench.accuracy_points(quick=True)
    assert np.all(np.diff(points) > 0)
    for root in bench.DERIVATIVE_ROOTS.values():
        assert root in points
        assert np.nextafter(root, 0.0) in points and np.nextafter(root, -1.0) in points
    assert points.min() == -30.0 and points.max() == 30.0


def test_max_errors_of_sigmoid_and_silu_on_a_few_points(bench):
    points = np.array([-20.0, -1.3, -1.28, -1.0, 0.0, 0.5, 3.0, 15.0])
    results = bench.max_errors(points, ["sigmoid", "silu"])
    assert [(r.name, r.what, r.measure) for r in results] == [
        ("sigmoid", "value", "relative"),
        ("sigmoid", "grad", "relative"),
        ("silu", "value", "relative"),
        ("silu", "grad", "relative"),
        ("silu", "grad", "near root"),  # -1.28 is within 0.01 of the root, -1.3 not
    ]
    assert [r.points for r in results] == [8, 8, 7, 7, 1]
    assert all(0 <= r.error <= r.allowed for r in results)
    assert results[-1].at == -1.28 and results[-1].allowed == bench.NEAR_ROOT_TARGET


def test_control_settings_list_every_value_of_every_control(bench):
    from actnet.widgets import Control, Explorer

    explorer = Explorer(
        "tiny",
        [
            Control("a", [1, 2, 3], "A"),
            Control("names", ["x", "y"], "N", kind="multiselect", static_values=[("x", "y")]),
        ],
        compute=lambda a, names: a,
        draw=lambda data, fig: None,
        alt=lambda data, values: "a tiny explorer for the test",
    )
    assert bench.control_settings(explorer) == [("a", 1), ("a", 2), ("a", 3), ("names", ("x", "y"))]


def test_explorers_and_chapters_are_discovered(bench):
    factories = bench.explorer_factories()
    assert "activation_explorer" in factories and all(n.endswith("_explorer") for n in factories)
    notebooks = bench.chapter_notebooks()
    assert ROOT / "book" / "glance.ipynb" in notebooks
    assert all(p.suffix == ".ipynb" for p in notebooks)


def test_largest_network_has_the_parameter_count_in_its_description(bench):
    largest = bench.course_networks()[1]
    net = actnet.MLP(list(largest.sizes), activation=largest.activation)
    assert sum(p.size for p in net.params) == 21_153
    assert len(largest.sizes) - 2 == 20  # hidden layers, the deepest vanishing-gradients setting


def test_the_script_rejects_an_unknown_section(bench):
    with pytest.raises(SystemExit):
        bench.main(["--only", "nothing"])


def test_the_binder_benchmark_counts_the_bytes_of_files_and_not_what_links_point_to(tmp_path):
    import runpy

    size_mb = runpy.run_path(str(ROOT / "benchmarks" / "binder.py"))["size_mb"]
    outside = tmp_path / "outside.bin"
    outside.write_bytes(b"x" * 3_000_000)
    env = tmp_path / "env"
    (env / "lib").mkdir(parents=True)
    (env / "lib" / "a.bin").write_bytes(b"x" * 1_500_000)
    (env / "b.bin").write_bytes(b"x" * 500_000)
    (env / "lib" / "link").symlink_to(outside)
    link_bytes = (env / "lib" / "link").lstat().st_size
    assert size_mb(env) == pytest.approx((2_000_000 + link_bytes) / 1e6)


def test_the_reader_walk_moves_an_explorer_with_its_prefetch_and_without():
    import runpy

    walk = runpy.run_path(str(ROOT / "benchmarks" / "explorers.py"))["reader_walk"]
    out = walk("signal_spread_explorer", (0.0, 0.0), 5)
    assert list(out) == ["prefetch", "no prefetch"]
    assert out["prefetch"]["n"] == out["no prefetch"]["n"] == 5
    # the same walk: a setting seen again is found by both; one made ahead only with it
    assert out["prefetch"]["found"] >= out["no prefetch"]["found"]
    # an explorer without prefetch: one run; the walk is seeded
    first, again = walk("maxout_explorer", (0.0, 0.0), 8), walk("maxout_explorer", (0.0, 0.0), 8)
    assert (
        list(first) == ["no prefetch"]
        and first["no prefetch"]["found"] == again["no prefetch"]["found"]
    )


def test_the_drag_table_gives_the_median_waits_and_every_drag_s_images():
    import runpy

    drag_table = runpy.run_path(str(ROOT / "benchmarks" / "explorers.py"))["drag_table"]
    drags = [
        {
            "after_letting_go_ms": a,
            "last_value_to_last_image_ms": b,
            "images": n,
            "images_after_release": m,
        }
        for a, b, n, m in ((0.0, 30.0, 2, 0), (120.0, 170.0, 1, 1), (60.0, 110.0, 1, 1))
    ]
    lines = drag_table({"x #1 signal": {"drags": drags}, "floor #1 floor": {"n": 3}}).splitlines()
    assert len(lines) == 3  # the header, its rule and the one explorer dragged
    assert lines[2] == "| x #1 signal | 3 | 60.0 | 110.0 | 2 (0), 1 (1), 1 (1) |"
