package io.taskgrid.distribution;

import static io.taskgrid.distribution.Repo.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard and data sources Docker Compose provisions. */
class GrafanaDashboardTest {
  private static final Path GRAFANA = Repo.ROOT.resolve("deploy/compose/grafana");
  private static final Pattern METRIC = Pattern.compile("\\btaskgrid_[a-z0-9_]+");
  /** Label names that share the taskgrid_ prefix (MetricSpec attributes, dots as underscores). */
  private static final Set<String> LABELS = Set.of("taskgrid_handler", "taskgrid_outcome", "taskgrid_trigger");

  static Map<String, Object> datasources() {
    return Repo.yaml(GRAFANA.resolve("provisioning/datasources/datasources.yaml"));
  }

  private static JsonNode dashboard() throws IOException {
    return new ObjectMapper().readTree(GRAFANA.resolve("dashboards/taskgrid.json").toFile());
  }

  private static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : dashboard.get("panels")) {
      if (!p.path("type").asText().equals("row")) out.add(p);
      for (JsonNode inner : p.path("panels")) out.add(inner);
    }
    return out;
  }

  @Test
  void hasAPanelForEachThingToWatch() throws IOException {
    List<String> titles = panels(dashboard()).stream().map(p -> p.get("title").asText().toLowerCase()).toList();
    for (String wanted : List.of("throughput", "outcomes", "submit to handler start", "execution duration", "queue lag", "fire delay",
        "circuit breakers", "traces")) {
      assertThat(titles).as("a panel about %s", wanted).anyMatch(t -> t.contains(wanted));
    }
  }

  @Test
  void everyPanelUsesAProvisionedDataSource() throws IOException {
    Set<String> uids = new TreeSet<>();
    for (Object d : Repo.list(datasources().get("datasources"), "datasources")) uids.add(String.valueOf(map(d, "ds").get("uid")));
    for (JsonNode p : panels(dashboard())) {
      assertThat(uids).as("panel %s", p.get("title")).contains(p.path("datasource").path("uid").asText());
      for (JsonNode t : p.path("targets")) {
        assertThat(uids).contains(t.path("datasource").path("uid").asText(p.path("datasource").path("uid").asText()));
      }
    }
    for (JsonNode v : dashboard().path("templating").path("list")) {
      if (v.has("datasource")) assertThat(uids).contains(v.path("datasource").path("uid").asText());
    }
  }

  @Test
  void queriesOnlyTheListedMetricsAndUsesEachOfThem() throws IOException {
    JsonNode dashboard = dashboard();
    List<String> expressions = new ArrayList<>();
    for (JsonNode p : panels(dashboard)) {
      for (JsonNode t : p.path("targets")) if (t.has("expr")) expressions.add(t.get("expr").asText());
    }
    int queries = expressions.size();
    for (JsonNode v : dashboard.path("templating").path("list")) expressions.add(v.path("definition").asText());
    Set<String> used = new TreeSet<>();
    for (int i = 0; i < expressions.size(); i++) {
      String expr = expressions.get(i);
      boolean panelQuery = i < queries;
      Matcher m = METRIC.matcher(expr);
      while (m.find()) {
        String name = m.group();
        if (LABELS.contains(name)) continue;
        String base = name.replaceFirst("_(bucket|sum|count)$", "");
        if (!base.equals(name)) {
          assertThat(DashboardMetrics.NAMES.get(base)).as("%s in %s is a histogram series", name, expr)
              .isEqualTo(DashboardMetrics.Kind.HISTOGRAM);
        } else {
          assertThat(DashboardMetrics.NAMES).as("metric %s in %s", name, expr).containsKey(name);
          assertThat(DashboardMetrics.NAMES.get(name)).as("%s is queried raw, so it is no histogram", name)
              .isNotEqualTo(DashboardMetrics.Kind.HISTOGRAM);
        }
        if (panelQuery && DashboardMetrics.NAMES.get(base) == DashboardMetrics.Kind.COUNTER) {
          assertThat(expr).as("counter %s is read as a rate", name).containsPattern("(rate|increase)\\(" + name);
        }
        used.add(base);
      }
    }
    assertThat(used).containsExactlyInAnyOrderElementsOf(DashboardMetrics.NAMES.keySet());
  }

  @Test
  void linksToTraceSearchInTempo() throws IOException {
    JsonNode dashboard = dashboard();
    String url = dashboard.path("links").get(0).path("url").asText();
    String decoded = URLDecoder.decode(url, StandardCharsets.UTF_8);
    assertThat(decoded).startsWith("/explore?").contains("\"datasource\":\"tempo\"").contains("traceqlSearch");
    assertThat(panels(dashboard)).anyMatch(p -> p.path("datasource").path("uid").asText().equals("tempo"));
    Map<String, Object> prometheus = Repo.list(datasources().get("datasources"), "datasources").stream()
        .map(d -> map(d, "ds")).filter(d -> "prometheus".equals(d.get("uid"))).findFirst().orElseThrow();
    Object exemplars = map(prometheus.get("jsonData"), "jsonData").get("exemplarTraceIdDestinations");
    assertThat(String.valueOf(exemplars)).as("exemplars open their trace in Tempo").contains("datasourceUid=tempo");
  }
}
