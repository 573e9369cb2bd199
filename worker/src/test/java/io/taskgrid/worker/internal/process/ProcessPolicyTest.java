package io.taskgrid.worker.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgrid.worker.InvalidPayloadException;
import io.taskgrid.worker.ProcessConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessPolicyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;
  private Path root;
  private Path outside;
  private ProcessPolicy policy;

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectories(tmp.resolve("root"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.createDirectories(root.resolve("work"));
    Files.writeString(outside.resolve("secret.txt"), "s3cr3t");
    policy = new ProcessPolicy(ProcessConfig.allowing("echo", "cat").withRoots(List.of(root)).withInheritedEnvironment(List.of("LANG")),
        Map.of("LANG", "C.UTF-8", "DB_PASSWORD", "hunter2"));
  }

  private ProcessSpec check(String json) throws Exception {
    return policy.check(JSON.readTree(json.replace('\'', '"')));
  }

  private static JsonNode tree(String json) throws Exception {
    return JSON.readTree(json.replace('\'', '"'));
  }

  @Test
  void resolvesAnAllowedNameInTheSearchPathAndRunsInTheFirstRoot() throws Exception {
    ProcessSpec spec = check("{'program':'echo','args':['a b','$HOME'],'timeout':'2s','stdin':'aGk='}");
    assertThat(spec.program()).isAbsolute().endsWith(Path.of("echo").getFileName());
    assertThat(spec.args()).containsExactly("a b", "$HOME");
    assertThat(spec.workingDirectory()).isEqualTo(root.toRealPath());
    assertThat(spec.timeout()).contains(Duration.ofSeconds(2));
    assertThat(new String(spec.stdin())).isEqualTo("hi");
  }

  @Test
  void refusesAProgramNotOnTheAllowList() {
    assertThatThrownBy(() -> check("{'program':'rm','args':['-rf','/']}"))
        .isInstanceOf(InvalidPayloadException.class)
        .hasMessage("payload.program: 'rm' is not on the worker's allow-list (TASKGRID_PROCESS_PROGRAMS)");
    assertThatThrownBy(() -> check("{'program':'/bin/sh'}")).hasMessageStartingWith("payload.program: '/bin/sh' is not on the worker's allow-list");
    assertThatThrownBy(() -> check("{'program':'bin/echo'}")).hasMessageStartingWith("payload.program: must be a program name or an absolute path, not a relative path");
  }

  @Test
  void allowsEveryProgramOfAnAllowedDirectoryByAbsolutePath() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path tool = Files.copy(Path.of("/bin/echo").toRealPath(), bin.resolve("tool"));
    ProcessPolicy dirs = new ProcessPolicy(ProcessConfig.allowing(bin + "/").withRoots(List.of(root)), Map.of());
    assertThat(dirs.check(tree("{'program':'" + tool + "'}")).program()).isEqualTo(tool.toRealPath());
    assertThatThrownBy(() -> dirs.check(tree("{'program':'" + bin + "/../bin/tool'}"))).hasMessageStartingWith("payload.program: must not contain ..");
  }

  @Test
  void refusesAWorkingDirectoryOutsideTheRootsAndDotDot() {
    assertThatThrownBy(() -> check("{'program':'echo','workingDir':'" + outside + "'}"))
        .hasMessageStartingWith("payload.workingDir: is outside the allowed roots");
    assertThatThrownBy(() -> check("{'program':'echo','workingDir':'work/../../outside'}"))
        .hasMessage("payload.workingDir: must not contain .., got 'work/../../outside'");
  }

  @Test
  void refusesASymlinkThatPointsOutOfTheRoot() throws Exception {
    Files.createSymbolicLink(root.resolve("escape"), outside);
    assertThatThrownBy(() -> check("{'program':'echo','workingDir':'escape'}"))
        .hasMessageStartingWith("payload.workingDir: is outside the allowed roots");
    assertThatThrownBy(() -> check("{'program':'cat','args':['escape/secret.txt'],'pathArgs':[0]}"))
        .hasMessageStartingWith("payload.args[0]: is outside the allowed roots")
        .hasMessageContaining("secret.txt");
    // a file that does not exist yet, under the link, is judged by the link's target too
    assertThatThrownBy(() -> check("{'program':'echo','args':['escape/new/out.txt'],'pathArgs':[0]}"))
        .hasMessageStartingWith("payload.args[0]: is outside the allowed roots");
  }

  @Test
  void refusesPathArgumentsWithDotDotButPassesUnmarkedOnesAsTheyAre() throws Exception {
    assertThatThrownBy(() -> check("{'program':'cat','args':['-n','../outside/secret.txt'],'pathArgs':[1]}"))
        .hasMessage("payload.args[1]: must not contain .., got '../outside/secret.txt'");
    assertThat(check("{'program':'echo','args':['../not-a-path'],'pathArgs':[]}").args()).containsExactly("../not-a-path");
    assertThat(check("{'program':'cat','args':['work/new.txt', '" + root + "/work'],'pathArgs':[0,1]}").args()).hasSize(2);
    assertThatThrownBy(() -> check("{'program':'cat','args':['x'],'pathArgs':[3]}"))
        .hasMessage("payload.pathArgs[0]: must be an index into args (0 to 0), got '3'");
  }

  @Test
  void passesOnlyAllowListedVariablesOfTheWorkerPlusTheRequestsOwn() throws Exception {
    ProcessSpec spec = check("{'program':'echo','env':{'GREETING':'hi'}}");
    assertThat(spec.environment()).containsExactlyInAnyOrderEntriesOf(Map.of("LANG", "C.UTF-8", "GREETING", "hi"));
    assertThatThrownBy(() -> check("{'program':'echo','env':{'A=B':'x'}}")).hasMessageStartingWith("payload.env.A=B: must be named with");
    for (String loader : new String[] {"LD_PRELOAD", "LD_LIBRARY_PATH", "DYLD_INSERT_LIBRARIES", "BASH_ENV", "JAVA_TOOL_OPTIONS", "NODE_OPTIONS"}) {
      assertThatThrownBy(() -> check("{'program':'echo','env':{'" + loader + "':'/tmp/x.so'}}"))
          .hasMessageStartingWith("payload.env." + loader + ": is a variable that makes a program load other code");
    }
  }

  @Test
  void namesTheFieldOfEveryOtherBadValue() {
    assertThatThrownBy(() -> check("{'args':[]}")).hasMessage("payload.program: is required");
    assertThatThrownBy(() -> check("{'program':'echo','args':'a b'}")).hasMessage("payload.args: must be an array of strings, got '\"a b\"'");
    assertThatThrownBy(() -> check("{'program':'echo','args':[1]}")).hasMessage("payload.args[0]: must be a string, got '1'");
    assertThatThrownBy(() -> check("{'program':'echo','timeout':'soon'}")).hasMessage("payload.timeout: must be a duration such as 500ms, 30s or 5m, got 'soon'");
    assertThatThrownBy(() -> check("{'program':'echo','stdin':'***'}")).hasMessageStartingWith("payload.stdin: must be base64");
    assertThatThrownBy(() -> check("{'program':'echo','shell':true}")).hasMessageStartingWith("payload.shell: unknown field");
    assertThatThrownBy(() -> check("[1]")).hasMessage("payload: must be a JSON object, got '[1]'");
  }

  @Test
  void refusesPathsWhenTheWorkerHasNoRoots() {
    ProcessPolicy noRoots = new ProcessPolicy(ProcessConfig.allowing("echo"), Map.of());
    assertThatThrownBy(() -> noRoots.check(tree("{'program':'echo','workingDir':'/tmp'}")))
        .hasMessage("payload.workingDir: is a path, and the worker allows none (TASKGRID_PROCESS_ROOTS is empty), got '/tmp'");
  }
}
