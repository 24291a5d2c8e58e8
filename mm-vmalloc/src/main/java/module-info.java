/** mmsim's vmalloc module; its providers are found through ServiceLoader. */
module io.mmsim.vmalloc {
  requires io.mmsim.api;
  requires org.slf4j;
  requires static com.google.auto.service;
}
