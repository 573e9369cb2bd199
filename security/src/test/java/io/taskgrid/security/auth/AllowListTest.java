package io.taskgrid.security.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.security.Identity;
import io.taskgrid.security.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllowListTest {
  private static final Identity UNRESTRICTED = new Identity("ops", Role.OPERATOR, List.of(), List.of(), "api-key");
  private static final Identity BY_HANDLER = new Identity("mailer", Role.OPERATOR, List.of("email.send"), List.of(), "api-key");
  private static final Identity BY_PREFIX = new Identity("billing", Role.OPERATOR, List.of(), List.of("billing."), "api-key");
  private static final Identity BOTH = new Identity("both", Role.OPERATOR, List.of("email.send"), List.of("billing."), "api-key");

  @Test
  void anUnrestrictedIdentityMayNameAnythingOrNothing() {
    assertThat(AllowList.denial(UNRESTRICTED, List.of(), List.of())).isEmpty();
    assertThat(AllowList.denial(UNRESTRICTED, List.of("x"), List.of("y"))).isEmpty();
  }

  @Test
  void aRestrictedIdentityMustNameSomethingItsListsCover() {
    assertThat(AllowList.denial(BY_HANDLER, List.of(), List.of())).hasValueSatisfying(r -> assertThat(r).contains("must name one"));
    assertThat(AllowList.denial(BY_HANDLER, List.of(""), List.of(""))).isPresent();
    assertThat(AllowList.denial(BY_HANDLER, List.of("email.send"), List.of())).isEmpty();
    assertThat(AllowList.denial(BY_HANDLER, List.of("sms.send"), List.of())).hasValueSatisfying(r -> assertThat(r).contains("'sms.send'"));
    // a task id alone says nothing to a handler allow-list
    assertThat(AllowList.denial(BY_HANDLER, List.of(), List.of("billing.monthly"))).isPresent();
    assertThat(AllowList.denial(BY_PREFIX, List.of(), List.of("billing.monthly"))).isEmpty();
    assertThat(AllowList.denial(BY_PREFIX, List.of(), List.of("hr.payroll"))).hasValueSatisfying(r -> assertThat(r).contains("'hr.payroll'"));
    assertThat(AllowList.denial(BY_PREFIX, List.of("email.send"), List.of())).isPresent();
  }

  @Test
  void aFilterNarrowerThanTheAllowListIsAccepted() {
    assertThat(AllowList.denial(BY_PREFIX, List.of("any.handler"), List.of("billing.monthly"))).isEmpty();
    assertThat(AllowList.denial(BOTH, List.of("email.send"), List.of())).isEmpty();
    assertThat(AllowList.denial(BOTH, List.of("email.send"), List.of("hr.payroll"))).isPresent();
    assertThat(AllowList.denial(BOTH, List.of("sms.send"), List.of("billing.x"))).isPresent();
  }
}
