package dev.push.bench;

/** The options of the benchmarks that drive one route with keep-alive connections ({@code redirects}, {@code sends}). */
record LoadOptions(int members, int connections, int seconds, int warmup, String xmx, boolean jfr, int rounds, String jar,
                   boolean floor, java.util.List<String> jvm) {
    /** The packaged service bench/run builds; {@code --jar} names another (an older build kept aside, to compare). */
    static final String DEFAULT_JAR = "target/quarkus-app/quarkus-run.jar";

    static LoadOptions parse(String[] args, int members) {
        int connections = 32;
        int seconds = 20;
        int warmup = 5;
        String xmx = "512m";
        boolean jfr = false;
        int rounds = 0;
        String jar = DEFAULT_JAR;
        boolean floor = false;
        java.util.List<String> jvm = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--members" -> members = Integer.parseInt(args[++i]);
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--xmx" -> xmx = args[++i];
                case "--jfr" -> jfr = true;
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--jar" -> jar = args[++i];
                case "--floor" -> floor = true;
                case "--jvm" -> jvm.add(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        return new LoadOptions(members, connections, seconds, warmup, xmx, jfr, rounds, jar, floor, jvm);
    }
}
