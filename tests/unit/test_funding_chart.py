"""The Funding chart: upright bars for a few networks; lying rows, each
network's name whole, for many."""

from __future__ import annotations

from pcnmap.views.funding import ROW_HEIGHT, UPRIGHT_MOST, ChartStream, FundingChart


def chart(count: int) -> FundingChart:
    names = tuple(f"NETWORK NUMBER {n} WITH A LONG NAME PCN" for n in range(count))
    return FundingChart(
        networks=names,
        streams=(ChartStream("Core PCN funding", "#332288", False, tuple(range(count))),
                 ChartStream("Additional roles (ceiling)", "#dddddd", True,
                             tuple(2.0 * n for n in range(count)))),
        per_patient=False, axis_title="£ in the year", note="")


def test_a_few_networks_stand_upright_at_the_height_asked() -> None:
    figure = chart(UPRIGHT_MOST).figure(height=400)
    assert figure.layout.height == 400
    assert all(bar.orientation in (None, "v") for bar in figure.data)
    assert list(figure.data[0].x) == list(chart(UPRIGHT_MOST).networks)
    assert figure.layout.yaxis.title.text == "£ in the year"


def test_many_networks_lie_down_a_row_each_names_whole_first_at_the_top() -> None:
    many = chart(45)
    figure = many.figure(height=400)
    assert [bar.orientation for bar in figure.data] == ["h", "h"]
    assert list(figure.data[0].y) == list(many.networks)  # whole names, in order
    assert list(figure.data[1].x) == [2.0 * n for n in range(45)]
    assert figure.layout.yaxis.autorange == "reversed"
    assert figure.layout.height == ROW_HEIGHT * 45 + 120
    assert figure.layout.xaxis.title.text == "£ in the year"
    assert figure.data[1].marker.pattern.shape == "/"
    assert "%{y}" in figure.data[0].hovertemplate and "%{x:,.0f}" in figure.data[0].hovertemplate
