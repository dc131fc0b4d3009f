/* librdkafka's in-memory mock cluster as a process, for bench/peers.ts.
 *   mock-cluster BROKERS [TOPIC:PARTITIONS]...
 * Prints the bootstrap servers on stdout, serves until stdin closes or SIGTERM, then exits. */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stopping = 0;
static void on_term(int sig) { (void)sig; stopping = 1; }

int main(int argc, char **argv) {
  char err[512], buf[256];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == NULL) { fprintf(stderr, "rd_kafka_new: %s\n", err); return 1; }
  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, argc > 1 ? atoi(argv[1]) : 1);
  if (mc == NULL) { fprintf(stderr, "rd_kafka_mock_cluster_new failed\n"); return 1; }
  for (int i = 2; i < argc; i++) {
    char *colon = strrchr(argv[i], ':');
    if (colon == NULL) { fprintf(stderr, "%s: expected TOPIC:PARTITIONS\n", argv[i]); return 1; }
    *colon = '\0';
    rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(mc, argv[i], atoi(colon + 1), 1);
    if (e) { fprintf(stderr, "%s: %s\n", argv[i], rd_kafka_err2str(e)); return 1; }
  }
  /* no SA_RESTART: SIGTERM interrupts the read below */
  struct sigaction sa = {0};
  sa.sa_handler = on_term;
  sigaction(SIGTERM, &sa, NULL);
  printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
  fflush(stdout);
  while (!stopping && read(0, buf, sizeof buf) > 0) {}
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
