#include "core/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace thesaban::metrics {
namespace {

TEST(Metrics, CountersByLabelsRenderInPrometheusTextFormat) {
    Registry r;
    auto& ok = r.counter("t_requests_total", "Requests", {{"route", "/webhook"}, {"status", "200"}});
    auto& again = r.counter("t_requests_total", "Requests", {{"route", "/webhook"}, {"status", "200"}});
    EXPECT_EQ(&ok, &again) << "the same labels give the same counter";
    ok.inc();
    again.inc(2);
    r.counter("t_requests_total", "Requests", {{"route", "/webhook"}, {"status", "401"}}).inc();
    std::string page = r.render();
    EXPECT_NE(page.find("# HELP t_requests_total Requests\n# TYPE t_requests_total counter\n"), std::string::npos)
        << page;
    EXPECT_NE(page.find("t_requests_total{route=\"/webhook\",status=\"200\"} 3\n"), std::string::npos) << page;
    EXPECT_NE(page.find("t_requests_total{route=\"/webhook\",status=\"401\"} 1\n"), std::string::npos) << page;
    EXPECT_EQ(page.find("# TYPE t_requests_total counter", page.find("# TYPE t_requests_total counter") + 1),
              std::string::npos)
        << "one HELP/TYPE a family";
}

TEST(Metrics, LabelValuesAreEscaped) {
    EXPECT_EQ(render_labels({{"a", "x\"y\\z\nw"}}), "{a=\"x\\\"y\\\\z\\nw\"}");
    EXPECT_EQ(render_labels({}), "");
}

TEST(Metrics, HistogramBucketsAreCumulativeWithSumAndCount) {
    Registry r;
    auto& h = r.histogram("t_age_seconds", "Age", {0.1, 1, 10});
    for (double v : {0.05, 0.1, 0.5, 5.0, 50.0}) h.observe(v);
    std::string page = r.render();
    EXPECT_NE(page.find("# TYPE t_age_seconds histogram"), std::string::npos);
    EXPECT_NE(page.find("t_age_seconds_bucket{le=\"0.1\"} 2\n"), std::string::npos) << page;
    EXPECT_NE(page.find("t_age_seconds_bucket{le=\"1\"} 3\n"), std::string::npos) << page;
    EXPECT_NE(page.find("t_age_seconds_bucket{le=\"10\"} 4\n"), std::string::npos) << page;
    EXPECT_NE(page.find("t_age_seconds_bucket{le=\"+Inf\"} 5\n"), std::string::npos) << page;
    EXPECT_NE(page.find("t_age_seconds_sum 55.65\n"), std::string::npos) << page;
    EXPECT_NE(page.find("t_age_seconds_count 5\n"), std::string::npos) << page;
}

TEST(Metrics, CollectorsAddTheirValuesUntilRemoved) {
    Registry r;
    int depth = 7;
    auto id = r.add_collector([&](Writer& out) { out.gauge("t_depth", "Depth", {{"queue", "inbox"}}, depth); });
    EXPECT_NE(r.render().find("t_depth{queue=\"inbox\"} 7\n"), std::string::npos);
    depth = 9;
    EXPECT_NE(r.render("t_extra 1\n").find("t_depth{queue=\"inbox\"} 9\nt_extra 1\n"), std::string::npos);
    r.remove_collector(id);
    EXPECT_EQ(r.render().find("t_depth"), std::string::npos);
}

TEST(Metrics, IncrementsFromManyThreadsAreAllCounted) {
    Registry r;
    auto& c = r.counter("t_total", "Total");
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 100000; ++i) c.inc();
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(c.value(), 400000u);
}

}  // namespace
}  // namespace thesaban::metrics
