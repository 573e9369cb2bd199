package io.taskgrid.cli;

import java.util.ArrayList;
import java.util.List;

/** One thing shown as "label  value" lines, the labels padded to one width. */
final class Fields {
  private record Field(String label, String value, String style) {}

  private final Render render;
  private final List<Field> fields = new ArrayList<>();

  Fields(Render render) {
    this.render = render;
  }

  Fields add(String label, String value) {
    return add(label, value, null);
  }

  Fields add(String label, String value, String style) {
    fields.add(new Field(label, value, style));
    return this;
  }

  void print() {
    int width = fields.stream().mapToInt(f -> f.label().length()).max().orElse(0);
    for (Field f : fields) {
      String label = render.paint(f.label(), Render.BOLD) + " ".repeat(width - f.label().length());
      render.line(label + "  " + render.paint(f.value(), f.style()));
    }
  }
}
