// Consumer groups through kcat -G, confluent-kafka-python and kafka-python balanced consumers: for
// each, three members bootstrapped on three broker processes over one SQLite file (see
// support/group-suite.ts for what is checked).

import { GROUP_CLIENTS } from "./support/group-clients.ts";
import { groupSuite } from "./support/group-suite.ts";

for (const client of GROUP_CLIENTS) groupSuite(client);
