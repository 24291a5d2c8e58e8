/** mmsim's paging module; its providers are found through ServiceLoader. */
module io.mmsim.paging {
  requires io.mmsim.api;
  requires org.slf4j;
  requires static com.google.auto.service;
}
