# A worker image with your own handlers, on top of the Taskgrid image:
#
#   ./mvnw -B -ntp package -pl distribution -am
#   docker build -t taskgrid:0.1.0-SNAPSHOT distribution/target/taskgrid-0.1.0-SNAPSHOT
#   # in your project, with your handlers and a main class that builds a Worker with them
#   # (README "Deployment", "A worker with your own handlers"):
#   docker build -f custom-worker.Dockerfile -t billing-worker:1.0 .
#
# Your jar goes into lib/, beside Taskgrid's (it is compiled against taskgrid-worker, which is
# there already); jars your handlers need that Taskgrid does not ship go there too.
ARG BASE_IMAGE=taskgrid:0.1.0-SNAPSHOT
FROM ${BASE_IMAGE}
COPY target/billing-handlers-1.0.jar /opt/taskgrid/lib/
# taskgrid-run puts lib/* on the class path and runs your main class like the stock scripts
CMD ["/opt/taskgrid/bin/taskgrid-run", "com.example.billing.BillingWorkerMain"]
