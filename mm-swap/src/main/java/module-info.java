/** mmsim's swap module; its providers are found through ServiceLoader. */
module io.mmsim.swap {
  requires io.mmsim.api;
  requires org.slf4j;
  requires static com.google.auto.service;
}
