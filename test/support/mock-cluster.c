/* librdkafka's mock cluster as a child process: prints the bootstrap list, then obeys one
 * command per stdin line (down ID | up ID | topic NAME PARTITIONS REPLICATION |
 * leader TOPIC PARTITION ID | quit), answering "ok" or "error ..." per line. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static rd_kafka_resp_err_t obey(rd_kafka_mock_cluster_t *mc, const char *line, int *known) {
        char name[256];
        int a, b;
        *known = 1;
        if (sscanf(line, "down %d", &a) == 1) return rd_kafka_mock_broker_set_down(mc, a);
        if (sscanf(line, "up %d", &a) == 1) return rd_kafka_mock_broker_set_up(mc, a);
        if (sscanf(line, "topic %255s %d %d", name, &a, &b) == 3) return rd_kafka_mock_topic_create(mc, name, a, b);
        if (sscanf(line, "leader %255s %d %d", name, &a, &b) == 3) return rd_kafka_mock_partition_set_leader(mc, name, a, b);
        *known = 0;
        return RD_KAFKA_RESP_ERR_NO_ERROR;
}

int main(int argc, char **argv) {
        char errstr[512], line[1024];
        int brokers = argc > 1 ? atoi(argv[1]) : 3;
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        /* the handle only hosts the mock; its notices (no bootstrap.servers) are noise */
        rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (rk == NULL) {
                fprintf(stderr, "rd_kafka_new: %s\n", errstr);
                return 1;
        }
        rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
        if (mc == NULL) {
                fprintf(stderr, "rd_kafka_mock_cluster_new failed\n");
                return 1;
        }
        printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
        fflush(stdout);
        while (fgets(line, sizeof(line), stdin) != NULL && strncmp(line, "quit", 4) != 0) {
                int known;
                rd_kafka_resp_err_t err = obey(mc, line, &known);
                if (!known) printf("error unknown command\n");
                else if (err) printf("error %s\n", rd_kafka_err2name(err));
                else printf("ok\n");
                fflush(stdout);
        }
        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(rk);
        return 0;
}
