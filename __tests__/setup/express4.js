// Tells the version check which Express major this run is meant to load.
process.env.EXPRESS_MAJOR_UNDER_TEST = "4";
