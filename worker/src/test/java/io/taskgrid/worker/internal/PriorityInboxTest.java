package io.taskgrid.worker.internal;

import static io.taskgrid.core.Priority.BACKGROUND;
import static io.taskgrid.core.Priority.CRITICAL;
import static io.taskgrid.core.Priority.HIGH;
import static io.taskgrid.core.Priority.LOW;
import static io.taskgrid.core.Priority.MEDIUM;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.core.Priority;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PriorityInboxTest {
  record Item(String name, Priority priority) {}

  private final PriorityInbox<Item> inbox = new PriorityInbox<>(Item::priority, 10);

  private static Item item(Priority p, int n) {
    return new Item(p.name().toLowerCase() + n, p);
  }

  private List<String> takeAll() {
    List<String> out = new ArrayList<>();
    for (Item i = inbox.poll(); i != null; i = inbox.poll()) out.add(i.name());
    return out;
  }

  @Test
  void takesHigherPrioritiesFirstAndFirstComeFirstWithinAPriority() {
    inbox.add(item(BACKGROUND, 1));
    inbox.add(item(LOW, 1));
    inbox.add(item(MEDIUM, 1));
    inbox.add(item(HIGH, 1));
    inbox.add(item(CRITICAL, 1));
    inbox.add(item(HIGH, 2));
    inbox.add(item(CRITICAL, 2));

    assertThat(takeAll()).containsExactly("critical1", "critical2", "high1", "high2", "medium1", "low1", "background1");
    assertThat(inbox.size()).isZero();
  }

  @Test
  void everyTenthTakeIsTheItemThatWaitedLongestWhateverItsPriority() {
    inbox.add(item(BACKGROUND, 1));
    inbox.add(item(LOW, 1));
    for (int i = 1; i <= 30; i++) inbox.add(item(CRITICAL, i));

    List<String> taken = takeAll();

    assertThat(taken.get(9)).isEqualTo("background1");
    assertThat(taken.get(19)).isEqualTo("low1");
    assertThat(taken.subList(0, 9)).allMatch(n -> n.startsWith("critical"));
    assertThat(taken.subList(10, 19)).allMatch(n -> n.startsWith("critical"));
  }

  @Test
  void aCriticalItemArrivingBehindABacklogOfBackgroundWorkIsTakenWithinTwoTakes() {
    for (int i = 1; i <= 5000; i++) inbox.add(item(BACKGROUND, i));
    for (int i = 0; i < 9; i++) inbox.poll(); // the next take is the tenth: the oldest's

    inbox.add(item(CRITICAL, 1));

    assertThat(inbox.poll().name()).isEqualTo("background10");
    assertThat(inbox.poll().name()).isEqualTo("critical1");
  }

  @Test
  void backgroundWorkGetsOneTakeInTenUnderASteadyStreamOfHigherWork() {
    for (int i = 1; i <= 100; i++) inbox.add(item(BACKGROUND, i));
    Map<Priority, Integer> taken = new HashMap<>();
    int n = 0;
    for (int take = 0; take < 1000; take++) {
      // twice as much higher work arrives as is taken: the higher queues never run dry
      inbox.add(item(take % 2 == 0 ? CRITICAL : HIGH, n++));
      inbox.add(item(take % 2 == 0 ? HIGH : CRITICAL, n++));
      taken.merge(inbox.poll().priority(), 1, Integer::sum);
    }

    assertThat(taken).containsEntry(BACKGROUND, 100).containsEntry(CRITICAL, 900);
  }

  @Test
  void anItemIsTakenWithinTenTakesPerOlderItemWaiting() {
    Random random = new Random(42);
    Priority[] priorities = Priority.values();
    Map<String, Integer> olderAtArrival = new HashMap<>();
    Map<String, Integer> arrivedAtTake = new HashMap<>();
    int takes = 0;
    int n = 0;
    for (int step = 0; step < 20_000; step++) {
      // more arrives than is taken, mostly of high priorities, so the low ones are always behind
      int arriving = random.nextInt(3);
      for (int a = 0; a < arriving; a++) {
        Priority p = random.nextInt(10) == 0 ? priorities[3 + random.nextInt(2)] : priorities[random.nextInt(3)];
        Item i = item(p, n++);
        olderAtArrival.put(i.name(), inbox.size());
        arrivedAtTake.put(i.name(), takes);
        inbox.add(i);
      }
      Item i = inbox.poll();
      if (i == null) continue;
      takes++;
      int waited = takes - arrivedAtTake.get(i.name());
      assertThat(waited).as("takes %s waited", i).isLessThanOrEqualTo(10 * (olderAtArrival.get(i.name()) + 1));
    }
  }

  @Test
  void pollWaitsForAnItemUpToItsTimeout() throws Exception {
    assertThat(inbox.poll(1, TimeUnit.MILLISECONDS)).isNull();

    CompletableFuture<Item> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return inbox.poll(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    inbox.add(item(LOW, 1));

    assertThat(waiting.get(30, TimeUnit.SECONDS).name()).isEqualTo("low1");
  }

  @Test
  void clearDropsEverythingWaiting() {
    inbox.add(item(HIGH, 1));
    inbox.add(item(LOW, 1));
    inbox.clear();
    assertThat(inbox.size()).isZero();
    assertThat(inbox.poll()).isNull();
  }
}
